//! Micro-benchmark: cost projection for 10,000 functions × 30 days of hourly usage buckets.
//!
//! Inputs are generated deterministically (splitmix64, fixed seed): 10,000 functions in three
//! regions and both architectures, 720 hourly buckets each (7.2 million buckets), a few
//! functions with two memory sizes, cold starts, and a 5-30 level concurrency histogram.
//!
//! Timed, each run from the same inputs:
//! 1. `project`: [`project_observed`] for every function (buckets → low/typical/high month);
//! 2. `account`: [`lambda_on_demand_account`] (tiers per region/arch, blended, free tier on);
//! 3. `compare`: [`compare_functions`] (every option for every function) — reported apart.
//!
//! Run: `cargo run --release -j 1 --example bench_projection [-- RUNS]` (default 3 runs); the
//! median of the runs is printed.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use faascope::cost::comparisons::CompareOptions;
use faascope::cost::engine::{AccountOptions, Allocation};
use faascope::cost::usage::{ConcurrencyLevel, FunctionMeta, FunctionUsage, UsageBucket};
use faascope::cost::{
    compare_functions, format_usd, lambda_on_demand_account, project_observed, Arch, PriceBook,
    ProjectionOptions,
};

const FUNCTIONS: usize = 10_000;
const DAYS: u64 = 30;

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn generate() -> Vec<FunctionUsage> {
    let regions = ["us-east-1", "eu-west-1", "ap-northeast-1"];
    let memories = [128u32, 256, 512, 1024, 1769, 2048, 3008];
    let start = NaiveDate::from_ymd_opt(2025, 9, 1).expect("valid date");
    let start_ms =
        (start - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() * 86_400_000;
    let mut rng = SplitMix(42);
    (0..FUNCTIONS)
        .map(|i| {
            let region = regions[i % regions.len()];
            let arch = if i % 4 == 0 {
                Arch::Arm64
            } else {
                Arch::X86_64
            };
            let memory_mb = memories[rng.below(memories.len() as u64) as usize];
            let mut meta = FunctionMeta::new(format!("fn-{i:05}"), region, arch, memory_mb);
            meta.max_memory_used_mb = Some(memory_mb / 3 + 40);
            let base_rps_milli = 1 + rng.below(20_000); // 0.001 .. 20 requests per second
            let mean_ms = 5 + rng.below(2_000);
            let second_memory = i % 50 == 0; // 2 % of the functions changed memory mid-window
            let mut buckets = Vec::with_capacity((DAYS * 24) as usize);
            for day in 0..DAYS {
                let date = start.checked_add_days(Days::new(day)).expect("in range");
                for hour in 0..24u64 {
                    // Diurnal shape ×(0.5..1.5) plus noise.
                    let shape = 50 + (hour * 100 / 23);
                    let requests = base_rps_milli * 3_600 * shape / 100_000 + rng.below(3);
                    let billed_ms = requests * (mean_ms + rng.below(mean_ms / 4 + 1));
                    let cold = requests / 100;
                    let mem = if second_memory && day >= DAYS / 2 {
                        memory_mb * 2
                    } else {
                        memory_mb
                    };
                    buckets.push(UsageBucket {
                        cold_starts: cold,
                        unbilled_init_ms: 0,
                        ..UsageBucket::new(date, mem, requests, billed_ms)
                    });
                }
            }
            let mean_conc = (base_rps_milli * mean_ms) / 1_000_000; // rps × s
            let levels = 5 + rng.below(26) as u32;
            let window_ms = DAYS * 86_400_000;
            let concurrency: Vec<ConcurrencyLevel> = (1..=levels)
                .map(|k| ConcurrencyLevel {
                    level: k + mean_conc as u32,
                    ms: window_ms / (4 * u64::from(levels)) + rng.below(1000),
                })
                .collect();
            FunctionUsage {
                meta,
                window_start_ms: start_ms,
                window_end_ms: start_ms + window_ms as i64,
                buckets,
                concurrency,
                // Not known: the histogram's split (as for a simulator's month).
                environment_busy_ms: Vec::new(),
                rounding: None,
                // Every hour of the window has usage (the Savings Plan options rank them).
                busy_hours_mb_ms: (0..window_ms / 3_600_000)
                    .map(|_| 1 + rng.below(1_000_000))
                    .collect(),
                // Which day each hour is of: not needed here (the range's days are even).
                busy_hour_starts_ms: Vec::new(),
                window_hours: window_ms / 3_600_000,
            }
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3)
        .max(1);
    let book = match PriceBook::builtin() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let inputs = generate();
    let buckets: usize = inputs.iter().map(|f| f.buckets.len()).sum();
    println!(
        "generated {} functions, {} hourly buckets in {:.3} s (not timed below)",
        inputs.len(),
        buckets,
        t.elapsed().as_secs_f64()
    );

    let account_options = AccountOptions {
        allocation: Allocation::Blended,
        free_tier: true,
    };
    let (mut project_t, mut account_t, mut total_t, mut compare_t) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        let t0 = Instant::now();
        let projections: Vec<_> = match inputs
            .iter()
            .map(|u| project_observed(u, &book, &ProjectionOptions::default()))
            .collect()
        {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let t1 = Instant::now();
        let account = match lambda_on_demand_account(&projections, &book, &account_options) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let t2 = Instant::now();
        let comparison = match compare_functions(
            &projections,
            &book,
            &CompareOptions {
                account: account_options,
                ..CompareOptions::default()
            },
        ) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        let t3 = Instant::now();
        let options: usize = comparison.functions.iter().map(|f| f.options.len()).sum();
        println!(
            "run {run}: project {:.3} s, account {:.3} s, project+account {:.3} s | compare {:.3} s ({} options); account typical {} (low {}, high {})",
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            (t2 - t0).as_secs_f64(),
            (t3 - t2).as_secs_f64(),
            options,
            format_usd(account.total_usd().typical),
            format_usd(account.total_usd().low),
            format_usd(account.total_usd().high),
        );
        project_t.push(t1 - t0);
        account_t.push(t2 - t1);
        total_t.push(t2 - t0);
        compare_t.push(t3 - t2);
    }
    println!(
        "median of {runs}: project {:.3} s, account {:.3} s, project+account {:.3} s; compare (all options) {:.3} s",
        median(project_t).as_secs_f64(),
        median(account_t).as_secs_f64(),
        median(total_t).as_secs_f64(),
        median(compare_t).as_secs_f64()
    );
}
