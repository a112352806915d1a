//! Platform model: instances and their pools, concurrency limits, the scaling-rate limit, provisioned
//! concurrency and the configuration of those.
//!
//! ## Concurrency accounting (AWS Lambda rules, facts sheet section 3)
//! A function's *concurrency in use* is its number of busy on-demand instances (an instance is busy while it
//! initialises or runs at least one request) plus its *configured* provisioned concurrency (which counts whether
//! busy or not). Idle on-demand instances do not count. A function with reserved concurrency `r` may use at most
//! `r`; all other functions share `account limit - sum of reservations`. With per-instance concurrency `N > 1`
//! (Cloud Run style) the same limits apply to busy instances, not to requests.
//!
//! ## Scaling rate
//! Each function may create at most `new_environments_per_window` instances per `window_s` (AWS since
//! November 2023: 1,000 per 10 s), modelled as a sliding window: no window-long interval holds more than
//! that many creations. On-demand creations (cold starts) count; pre-warms by the hybrid policy and provisioned
//! allocations do not.
//!
//! ## Invocation request rate
//! The account may start at most `request_rate_per_s` invocation attempts per second (AWS: 10 × the concurrency
//! quota, facts 3.1), modelled by [`RequestRateLimiter`] as a sliding one-second window: an attempt at `t` is
//! admitted when fewer than that many were admitted in `(t - 1 s, t]`. AWS states the quota in requests per
//! second but not how it measures them; this is the literal reading ("no more than N in any second") and needs
//! no burst size, which AWS does not document for this quota.

use crate::error::ConfigError;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::{BinaryHeap, VecDeque};

/// A count limit that may be `"unlimited"` in a scenario file. Accepted: a whole number >= 0 (also written as
/// a float such as `1e4`) or the word `"unlimited"`; anything else is an error saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "LimitRepr")]
pub enum Limit {
    /// At most this many.
    Count(u64),
    /// No limit.
    Unlimited,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LimitRepr {
    Count(u64),
    Word(String),
}

/// What a [`Limit`] accepts, for error messages.
const LIMIT_EXPECTED: &str = "a whole number >= 0 (such as 1000) or \"unlimited\"";

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Visitor};
        struct V;
        impl Visitor<'_> for V {
            type Value = Limit;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(LIMIT_EXPECTED)
            }
            fn visit_u64<E: Error>(self, n: u64) -> Result<Limit, E> {
                Ok(Limit::Count(n))
            }
            fn visit_i64<E: Error>(self, n: i64) -> Result<Limit, E> {
                u64::try_from(n)
                    .map(Limit::Count)
                    .map_err(|_| E::custom(format!("expected {LIMIT_EXPECTED}, got {n}")))
            }
            fn visit_f64<E: Error>(self, x: f64) -> Result<Limit, E> {
                // 2^53: every whole float up to here is exact.
                if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_992.0 {
                    Ok(Limit::Count(x as u64))
                } else {
                    Err(E::custom(format!("expected {LIMIT_EXPECTED}, got {x}")))
                }
            }
            fn visit_str<E: Error>(self, w: &str) -> Result<Limit, E> {
                if w == "unlimited" {
                    Ok(Limit::Unlimited)
                } else {
                    Err(E::custom(format!("expected {LIMIT_EXPECTED}, got \"{w}\"")))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl From<Limit> for LimitRepr {
    fn from(l: Limit) -> Self {
        match l {
            Limit::Count(n) => LimitRepr::Count(n),
            Limit::Unlimited => LimitRepr::Word("unlimited".into()),
        }
    }
}

impl Limit {
    /// The limit as a number (`u64::MAX` when unlimited).
    pub fn as_u64(self) -> u64 {
        match self {
            Limit::Count(n) => n,
            Limit::Unlimited => u64::MAX,
        }
    }
}

/// Which idle instance serves a request when several are available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdleSelection {
    /// The newest instance (SimFaaS's routing; keeps old instances idle so they expire).
    MostRecentlyCreated,
    /// The instance that finished a request last (a stack; AWS-like reuse of hot instances).
    #[default]
    MostRecentlyUsed,
    /// The instance idle the longest (a queue; spreads load, keeps every instance alive).
    LeastRecentlyUsed,
}

/// How the function is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvocationType {
    /// Synchronous (RequestResponse): a throttled request is rejected (HTTP 429).
    #[default]
    Sync,
    /// Asynchronous (Event): a throttled event is queued and retried with backoff up to the maximum event age.
    Async,
}

/// Shortest maximum event age AWS allows, seconds (facts 3.2).
pub const MIN_EVENT_AGE_S: f64 = 60.0;
/// Longest maximum event age AWS allows (6 h, also the default), seconds (facts 3.2).
pub const MAX_EVENT_AGE_S: f64 = 21_600.0;

fn d_age() -> f64 {
    MAX_EVENT_AGE_S
}
fn d_backoff0() -> f64 {
    1.0
}
fn d_backoff_max() -> f64 {
    300.0
}
fn d_mult() -> f64 {
    2.0
}

/// Retry of throttled asynchronous events. Defaults follow AWS (facts 3.2): retried for up to 6 h with
/// exponential backoff from about 1 s to at most 5 min. AWS adds jitter; this model does not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyncRetryConfig {
    /// Events older than this are dropped instead of retried, seconds (AWS: 60..21600, default 21600).
    #[serde(default = "d_age")]
    pub max_event_age_s: f64,
    /// First retry delay, seconds.
    #[serde(default = "d_backoff0")]
    pub initial_backoff_s: f64,
    /// Largest retry delay, seconds.
    #[serde(default = "d_backoff_max")]
    pub max_backoff_s: f64,
    /// Delay multiplier per retry (>= 1).
    #[serde(default = "d_mult")]
    pub backoff_multiplier: f64,
}

impl Default for AsyncRetryConfig {
    fn default() -> Self {
        AsyncRetryConfig {
            max_event_age_s: d_age(),
            initial_backoff_s: d_backoff0(),
            max_backoff_s: d_backoff_max(),
            backoff_multiplier: d_mult(),
        }
    }
}

/// Compiled retry rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryRule {
    /// Maximum event age.
    pub max_age: SimDuration,
    /// First delay.
    pub initial: SimDuration,
    /// Largest delay.
    pub max_delay: SimDuration,
    /// Multiplier.
    pub multiplier: f64,
}

impl RetryRule {
    /// The delay after `previous` (the first delay when `previous` is zero).
    pub fn next_delay(&self, previous: SimDuration) -> SimDuration {
        if previous.0 == 0 {
            return SimDuration(self.initial.0.min(self.max_delay.0));
        }
        let next = previous.0 as f64 * self.multiplier;
        let next = if next >= self.max_delay.0 as f64 {
            self.max_delay.0
        } else {
            next as u64
        };
        SimDuration(next.max(1))
    }
}

impl AsyncRetryConfig {
    /// Validates and compiles.
    pub fn compile(&self, path: &str) -> Result<RetryRule, ConfigError> {
        let secs = |name: &str, v: f64| {
            SimDuration::from_secs_f64(v)
                .filter(|d| !d.is_infinite())
                .ok_or_else(|| {
                    ConfigError::invalid(
                        format!("{path}.{name}"),
                        format!(
                            "must be from 0 to {:.0e} seconds, got {}",
                            crate::config::MAX_HORIZON_S,
                            crate::config::compact_number(v)
                        ),
                        "give seconds",
                    )
                })
        };
        if !(MIN_EVENT_AGE_S..=MAX_EVENT_AGE_S).contains(&self.max_event_age_s) {
            return Err(ConfigError::invalid(
                format!("{path}.max_event_age_s"),
                format!(
                    "must be {MIN_EVENT_AGE_S} to {MAX_EVENT_AGE_S} seconds (AWS's range for the maximum event age), got {}",
                    self.max_event_age_s
                ),
                "give a value from 60 (1 min) to 21600 (6 h, the default)",
            ));
        }
        let max_age = secs("max_event_age_s", self.max_event_age_s)?;
        let initial = secs("initial_backoff_s", self.initial_backoff_s)?;
        let max_delay = secs("max_backoff_s", self.max_backoff_s)?;
        if initial.0 == 0 || max_delay.0 == 0 {
            return Err(ConfigError::invalid(
                format!("{path}.initial_backoff_s"),
                "backoff delays must be > 0".to_string(),
                "give initial_backoff_s and max_backoff_s > 0 (AWS: about 1 s and 300 s)",
            ));
        }
        if max_delay < initial {
            return Err(ConfigError::invalid(
                format!("{path}.max_backoff_s"),
                format!(
                    "{} is below initial_backoff_s = {}: the largest delay must be >= the first",
                    self.max_backoff_s, self.initial_backoff_s
                ),
                "give max_backoff_s >= initial_backoff_s (AWS: about 1 s growing to 300 s)",
            ));
        }
        if !(self.backoff_multiplier.is_finite() && self.backoff_multiplier >= 1.0) {
            return Err(ConfigError::invalid(
                format!("{path}.backoff_multiplier"),
                format!(
                    "must be a finite number >= 1, got {}",
                    self.backoff_multiplier
                ),
                "use 2 for doubling delays",
            ));
        }
        Ok(RetryRule {
            max_age,
            initial,
            max_delay,
            multiplier: self.backoff_multiplier,
        })
    }
}

fn d_env() -> Limit {
    Limit::Count(1_000)
}
fn d_window() -> f64 {
    10.0
}

/// Per-function scaling-rate limit (AWS since 2023-11: 1,000 new environments per 10 s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingConfig {
    /// New instances per window, or `"unlimited"`.
    #[serde(default = "d_env")]
    pub new_environments_per_window: Limit,
    /// Window length, seconds.
    #[serde(default = "d_window")]
    pub window_s: f64,
}

impl Default for ScalingConfig {
    fn default() -> Self {
        ScalingConfig {
            new_environments_per_window: d_env(),
            window_s: d_window(),
        }
    }
}

/// The scaling-rate limit as a sliding window in integer time: a creation at `t` is allowed when fewer
/// than `per_window` were allowed in `(t - window, t]`, so no window-long interval ever holds more than
/// `per_window` new instances (facts 3.1: "1,000 every 10 seconds"). Why not a token bucket refilling
/// continuously: starting full and refilling from the first instant, it let a function add close to twice
/// the documented number in its first window after an idle spell; the sliding window is the literal
/// reading, with no burst parameter AWS does not document (as for [`RequestRateLimiter`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalingLimiter {
    window: SlidingWindow,
    unlimited: bool,
}

impl ScalingLimiter {
    /// Validates and builds a limiter with no creations yet.
    pub fn new(cfg: &ScalingConfig, path: &str) -> Result<Self, ConfigError> {
        // Time is whole microseconds: a window must be at least 1 µs.
        let window = SimDuration::from_secs_f64(cfg.window_s)
            .filter(|d| {
                (crate::config::MIN_PERIOD_S..=crate::config::MAX_HORIZON_S).contains(&cfg.window_s)
                    && !d.is_infinite()
            })
            .ok_or_else(|| {
                ConfigError::invalid(
                    format!("{path}.window_s"),
                    format!(
                        "must be from 0.000001 (1 µs, the time resolution) to {:.0e} seconds, got {}",
                        crate::config::MAX_HORIZON_S,
                        crate::config::compact_number(cfg.window_s)
                    ),
                    "give the window in seconds; AWS uses 10",
                )
            })?;
        let (per_window, unlimited) = match cfg.new_environments_per_window {
            Limit::Unlimited => (0, true),
            Limit::Count(0) => {
                return Err(ConfigError::invalid(
                    format!("{path}.new_environments_per_window"),
                    "0 would never allow an instance".to_string(),
                    "give a positive count (AWS: 1000) or \"unlimited\"",
                ))
            }
            Limit::Count(n) => (n, false),
        };
        Ok(ScalingLimiter {
            window: SlidingWindow::new(per_window, window.0),
            unlimited,
        })
    }

    /// Takes one creation at `now` (non-decreasing between calls) if the window has room.
    #[inline]
    pub fn try_take(&mut self, now: SimTime) -> bool {
        self.unlimited || self.window.try_admit(now.0)
    }
}

/// At most `limit` admissions in any window `(t - window_us, t]`: admissions kept as `(microsecond, count)`
/// runs for one window, so at most `min(limit, window_us)` entries, and only as many as traffic fills.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SlidingWindow {
    limit: u64,
    window_us: u64,
    /// Admissions in the window, oldest first: `(time in µs, admissions at that microsecond)`.
    runs: VecDeque<(u64, u64)>,
    /// Sum of the counts in `runs`.
    in_window: u64,
}

impl SlidingWindow {
    fn new(limit: u64, window_us: u64) -> Self {
        SlidingWindow {
            limit,
            window_us,
            runs: VecDeque::new(),
            in_window: 0,
        }
    }

    /// Admits one at `now` (non-decreasing between calls) if fewer than `limit` were admitted in
    /// `(now - window, now]`, and counts it.
    #[inline]
    fn try_admit(&mut self, now: u64) -> bool {
        // Admissions at or before `now - window` have left the window.
        while let Some(&(t, n)) = self.runs.front() {
            if t.saturating_add(self.window_us) > now {
                break;
            }
            self.in_window -= n;
            self.runs.pop_front();
        }
        if self.in_window >= self.limit {
            return false;
        }
        self.in_window += 1;
        match self.runs.back_mut() {
            Some((t, n)) if *t == now => *n += 1,
            _ => self.runs.push_back((now, 1)),
        }
        true
    }
}

/// The account's invocation request-rate quota (AWS: 10 × the concurrency quota requests per second,
/// facts 3.1), as a sliding one-second window in integer time: an attempt at `t` is admitted when fewer than
/// `per_s` attempts were admitted in `(t - 1 s, t]`, so no half-open one-second interval ever holds more than
/// `per_s` admissions.
///
/// Why a sliding window: AWS documents the quota as a rate ("10,000 RPS at 1,000") without saying how it is
/// measured or whether bursts above it are allowed. A token bucket would need a bucket size, i.e. a burst
/// allowance AWS does not document, and fixed one-second windows would allow twice the rate across a window
/// boundary and depend on where the windows start. The sliding window is the literal reading, with no extra
/// parameter. Throttled attempts are not counted (they are refused before the quota is used); admitted attempts
/// count even if the concurrency checks then throttle them.
///
/// Memory: admissions are kept as `(microsecond, count)` runs for one second, so at most
/// `min(per_s, 1,000,000)` entries, and only as many as the traffic actually fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRateLimiter {
    /// Attempts allowed per second (`u64::MAX`: unlimited, never checked).
    per_s: u64,
    window: SlidingWindow,
}

/// Length of the request-rate window, microseconds (one second).
const RATE_WINDOW_US: u64 = 1_000_000;

impl RequestRateLimiter {
    /// A limiter admitting `limit` attempts per second (`Limit::Unlimited`: every attempt).
    pub fn new(limit: Limit) -> Self {
        let per_s = limit.as_u64();
        RequestRateLimiter {
            per_s,
            window: SlidingWindow::new(per_s, RATE_WINDOW_US),
        }
    }

    /// Admits an attempt at `now` (non-decreasing between calls) if the quota allows it, and counts it.
    #[inline(always)]
    pub fn try_admit(&mut self, now: SimTime) -> bool {
        if self.per_s == u64::MAX {
            return true;
        }
        self.window.try_admit(now.0)
    }
}

/// One step of a provisioned-concurrency schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedStep {
    /// From this simulated time on (seconds)...
    pub from_s: f64,
    /// ...this many provisioned instances are configured.
    #[serde(deserialize_with = "crate::de::provisioned")]
    pub count: u32,
}

/// Provisioned concurrency: instances that never expire and serve requests first (spillover goes on demand).
/// `count` applies from t = 0; each schedule step replaces it from `from_s` on. Allocation is modelled as
/// instantaneous (the real allocation rate is unconfirmed, facts 3.3/7). When the count drops, idle
/// provisioned instances are removed at once and busy ones when they finish.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedConfig {
    /// Instances configured from t = 0.
    #[serde(default, deserialize_with = "crate::de::provisioned")]
    pub count: u32,
    /// Later changes, in increasing `from_s` order.
    #[serde(default)]
    pub schedule: Vec<ProvisionedStep>,
}

impl ProvisionedConfig {
    /// Validates and returns the steps as `(time, count)`, starting with `(0, count)`.
    pub fn compile(&self, path: &str) -> Result<Vec<(SimTime, u32)>, ConfigError> {
        let mut out = vec![(SimTime::ZERO, self.count)];
        for (i, s) in self.schedule.iter().enumerate() {
            let t = SimDuration::from_secs_f64(s.from_s)
                .filter(|d| !d.is_infinite())
                .ok_or_else(|| {
                    ConfigError::invalid(
                        format!("{path}.schedule[{i}].from_s"),
                        format!(
                            "must be from 0 to {:.0e} seconds, got {}",
                            crate::config::MAX_HORIZON_S,
                            crate::config::compact_number(s.from_s)
                        ),
                        "give the simulated time in seconds",
                    )
                })?;
            let t = SimTime(t.0);
            if let Some(&(prev, _)) = out.last() {
                if i > 0 && t <= prev {
                    return Err(ConfigError::invalid(
                        format!("{path}.schedule[{i}].from_s"),
                        format!("{} is not after the previous step", s.from_s),
                        "list schedule steps in strictly increasing from_s order",
                    ));
                }
            }
            out.push((t, s.count));
        }
        Ok(out)
    }

    /// The count configured at `t_s` seconds (the last step from at most `t_s`; steps are in
    /// increasing order, as [`Self::compile`] requires).
    pub fn count_at(&self, t_s: f64) -> u32 {
        self.schedule
            .iter()
            .rev()
            .find(|s| s.from_s <= t_s)
            .map_or(self.count, |s| s.count)
    }

    /// The largest sum of the counts of `pcs` at one time, and the first time (s) it holds
    /// from: the sum only changes where a step starts.
    pub fn peak_sum(pcs: &[&ProvisionedConfig]) -> (u64, f64) {
        let mut times: Vec<f64> = std::iter::once(0.0)
            .chain(
                pcs.iter()
                    .flat_map(|p| p.schedule.iter().map(|s| s.from_s))
                    .filter(|t| t.is_finite() && *t >= 0.0),
            )
            .collect();
        times.sort_by(f64::total_cmp);
        times.dedup();
        let mut best = (0u64, 0.0);
        for t in times {
            let sum: u64 = pcs.iter().map(|p| u64::from(p.count_at(t))).sum();
            if sum > best.0 {
                best = (sum, t);
            }
        }
        best
    }

    /// The largest count ever configured.
    pub fn max_count(&self) -> u32 {
        self.schedule
            .iter()
            .map(|s| s.count)
            .fold(self.count, u32::max)
    }
}

/// Sentinel for "no timer pending" / "never".
pub const NO_TIME: u64 = u64::MAX;

/// One execution environment. Kept in a slab (`Vec<Instance>`) and referred to by index; slots of expired
/// instances are reused.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Owning function index.
    pub func: u32,
    /// Requests currently assigned (including one waiting for init to finish).
    pub busy_slots: u32,
    /// Provisioned (never expires)?
    pub provisioned: bool,
    /// Provisioned instance to remove once idle (the configured count dropped).
    pub retire_when_idle: bool,
    /// Alive (slab slot in use)?
    pub alive: bool,
    /// Generation of the pending idle timer (stale timers carry an older value).
    pub timer_gen: u32,
    /// Pool entry stamp (stale pool entries carry an older value).
    pub pool_stamp: u32,
    /// In the function's pool of instances with a free slot?
    pub in_pool: bool,
    /// Creation order (for most-recently-created selection).
    pub created_seq: u64,
    /// Creation time.
    pub created_at: SimTime,
    /// When the instance can start executing (end of init).
    pub ready_at: SimTime,
    /// An execution on it timed out, which resets a Lambda execution environment: the next request it
    /// serves runs the init again and is a cold start (see the engine's module docs).
    pub reset: bool,
    /// When it became idle last.
    pub idle_since: SimTime,
    /// When it expires if still idle (`NO_TIME`: never).
    pub expires_at: u64,
    /// Time of the pending idle timer (`NO_TIME`: none).
    pub timer_at: u64,
}

/// A pool of instances that have a free slot, with lazy deletion: entries carry the instance's stamp at
/// insertion and are skipped when the stamp no longer matches. The pool is compacted when stale entries
/// outnumber live ones, so memory stays proportional to the number of instances.
#[derive(Debug, Clone)]
pub enum Pool {
    /// Most/least recently used: a deque in order of insertion (back = newest).
    Deque {
        /// Entries `(instance, stamp)`.
        q: VecDeque<(u32, u32)>,
        /// Take from the back (MRU) or the front (LRU).
        take_back: bool,
        /// Live entries.
        live: usize,
    },
    /// Most recently created: a max-heap on the creation sequence.
    Newest {
        /// Entries `(created_seq, instance, stamp)`.
        heap: BinaryHeap<(u64, u32, u32)>,
        /// Live entries.
        live: usize,
    },
}

impl Pool {
    /// An empty pool for `sel`.
    pub fn new(sel: IdleSelection) -> Self {
        match sel {
            IdleSelection::MostRecentlyUsed => Pool::Deque {
                q: VecDeque::new(),
                take_back: true,
                live: 0,
            },
            IdleSelection::LeastRecentlyUsed => Pool::Deque {
                q: VecDeque::new(),
                take_back: false,
                live: 0,
            },
            IdleSelection::MostRecentlyCreated => Pool::Newest {
                heap: BinaryHeap::new(),
                live: 0,
            },
        }
    }

    /// Number of live entries.
    pub fn live(&self) -> usize {
        match self {
            Pool::Deque { live, .. } | Pool::Newest { live, .. } => *live,
        }
    }

    /// Adds instance `id` (which must not be in the pool).
    #[inline]
    pub fn insert(&mut self, id: u32, inst: &mut Instance) {
        inst.pool_stamp = inst.pool_stamp.wrapping_add(1);
        inst.in_pool = true;
        match self {
            Pool::Deque { q, live, .. } => {
                q.push_back((id, inst.pool_stamp));
                *live += 1;
            }
            Pool::Newest { heap, live } => {
                heap.push((inst.created_seq, id, inst.pool_stamp));
                *live += 1;
            }
        }
    }

    /// Marks an instance anywhere in the pool as removed (its entry goes stale and is dropped later).
    #[inline]
    pub fn remove(&mut self, inst: &mut Instance) {
        if !inst.in_pool {
            return;
        }
        inst.in_pool = false;
        inst.pool_stamp = inst.pool_stamp.wrapping_add(1);
        match self {
            Pool::Deque { live, .. } | Pool::Newest { live, .. } => *live -= 1,
        }
    }

    /// Removes the instance that [`Pool::peek`] just returned (its entry is at the selection end).
    #[inline]
    pub fn pop_peeked(&mut self, inst: &mut Instance) {
        if !inst.in_pool {
            return;
        }
        match self {
            Pool::Deque { q, take_back, .. } => {
                if *take_back {
                    q.pop_back();
                } else {
                    q.pop_front();
                }
            }
            Pool::Newest { heap, .. } => {
                heap.pop();
            }
        }
        self.remove(inst);
    }

    /// The selected instance, without removing it (stale entries at the selection end are dropped).
    #[inline(always)]
    pub fn peek(&mut self, instances: &[Instance]) -> Option<u32> {
        // Fast path (inline): an empty pool, or a live entry at the selection end of a deque.
        match self {
            Pool::Deque { q, take_back, live } => {
                if *live == 0 && q.is_empty() {
                    return None;
                }
                let &(id, stamp) = if *take_back { q.back()? } else { q.front()? };
                if let Some(inst) = instances.get(id as usize) {
                    if inst.in_pool && inst.pool_stamp == stamp {
                        return Some(id);
                    }
                }
            }
            Pool::Newest { heap, .. } => {
                if heap.is_empty() {
                    return None;
                }
            }
        }
        self.peek_slow(instances)
    }

    #[inline(never)]
    fn peek_slow(&mut self, instances: &[Instance]) -> Option<u32> {
        match self {
            Pool::Deque { q, take_back, .. } => loop {
                let &(id, stamp) = if *take_back { q.back()? } else { q.front()? };
                let inst = &instances[id as usize];
                if inst.in_pool && inst.pool_stamp == stamp {
                    return Some(id);
                }
                if *take_back {
                    q.pop_back();
                } else {
                    q.pop_front();
                }
            },
            Pool::Newest { heap, .. } => loop {
                let &(_, id, stamp) = heap.peek()?;
                let inst = &instances[id as usize];
                if inst.in_pool && inst.pool_stamp == stamp {
                    return Some(id);
                }
                heap.pop();
            },
        }
    }

    /// The first instance in selection order that is in the pool and already busy (it has a free slot, and
    /// taking it adds no busy instance), without removing it. Used only when the selected instance is idle but
    /// the concurrency limits allow no more busy instances; linear in the pool's entries.
    pub fn find_partly_busy(&self, instances: &[Instance]) -> Option<u32> {
        let usable = |id: u32, stamp: u32| {
            let i = &instances[id as usize];
            i.in_pool && i.pool_stamp == stamp && i.busy_slots > 0
        };
        match self {
            Pool::Deque { q, take_back, .. } => {
                let found = |&&(id, stamp): &&(u32, u32)| usable(id, stamp);
                let hit = if *take_back {
                    q.iter().rev().find(found)
                } else {
                    q.iter().find(found)
                };
                hit.map(|&(id, _)| id)
            }
            Pool::Newest { heap, .. } => heap
                .iter()
                .filter(|&&(_, id, stamp)| usable(id, stamp))
                .max()
                .map(|&(_, id, _)| id),
        }
    }

    /// Removes stale entries when they dominate (amortised O(1) per operation).
    pub fn maybe_compact(&mut self, instances: &[Instance]) {
        let valid = |id: u32, stamp: u32| {
            let i = &instances[id as usize];
            i.in_pool && i.pool_stamp == stamp
        };
        match self {
            Pool::Deque { q, live, .. } => {
                if q.len() > 64 && q.len() > 2 * *live {
                    q.retain(|&(id, s)| valid(id, s));
                }
            }
            Pool::Newest { heap, live } => {
                if heap.len() > 64 && heap.len() > 2 * *live {
                    heap.retain(|&(_, id, s)| valid(id, s));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(seq: u64) -> Instance {
        Instance {
            func: 0,
            busy_slots: 0,
            provisioned: false,
            retire_when_idle: false,
            alive: true,
            timer_gen: 0,
            pool_stamp: 0,
            in_pool: false,
            created_seq: seq,
            created_at: SimTime::ZERO,
            ready_at: SimTime::ZERO,
            reset: false,
            idle_since: SimTime::ZERO,
            expires_at: NO_TIME,
            timer_at: NO_TIME,
        }
    }

    fn setup(sel: IdleSelection) -> (Pool, Vec<Instance>) {
        // Created in order 0, 1, 2 (seq = id) but released in order 2, 0, 1.
        let mut v: Vec<Instance> = (0..3).map(inst).collect();
        let mut p = Pool::new(sel);
        for id in [2u32, 0, 1] {
            p.insert(id, &mut v[id as usize]);
        }
        (p, v)
    }

    #[test]
    fn selection_policies_pick_the_right_instance() {
        let (mut p, v) = setup(IdleSelection::MostRecentlyUsed);
        assert_eq!(p.peek(&v), Some(1));
        let (mut p, v) = setup(IdleSelection::LeastRecentlyUsed);
        assert_eq!(p.peek(&v), Some(2));
        let (mut p, v) = setup(IdleSelection::MostRecentlyCreated);
        assert_eq!(p.peek(&v), Some(2));
    }

    #[test]
    fn removed_entries_are_skipped_and_compacted() {
        for sel in [
            IdleSelection::MostRecentlyUsed,
            IdleSelection::LeastRecentlyUsed,
            IdleSelection::MostRecentlyCreated,
        ] {
            let (mut p, mut v) = setup(sel);
            let first = p.peek(&v).expect("non-empty");
            p.pop_peeked(&mut v[first as usize]);
            assert_eq!(p.live(), 2);
            let second = p.peek(&v).expect("non-empty");
            assert_ne!(first, second);
            // Re-inserting makes it the newest-used entry.
            p.insert(first, &mut v[first as usize]);
            if sel == IdleSelection::MostRecentlyUsed {
                assert_eq!(p.peek(&v), Some(first));
            }
            for id in 0..3u32 {
                p.remove(&mut v[id as usize]);
            }
            assert_eq!(p.live(), 0);
            assert_eq!(p.peek(&v), None);
        }
        // Compaction drops stale entries once they dominate.
        let mut v: Vec<Instance> = (0..1).map(inst).collect();
        let mut p = Pool::new(IdleSelection::MostRecentlyUsed);
        for _ in 0..100 {
            p.insert(0, &mut v[0]);
            p.remove(&mut v[0]);
        }
        p.insert(0, &mut v[0]);
        p.maybe_compact(&v);
        if let Pool::Deque { q, .. } = &p {
            assert_eq!(q.len(), 1);
        }
    }

    #[test]
    fn partly_busy_fallback_keeps_the_pool_small() {
        // The engine's free-slot fallback (engine.rs `handle`): an idle instance stays at the
        // selection end while a partly busy one is filled (`remove`, not at the selection end),
        // then freed (`insert`) again, once per arrival. With `maybe_compact` after each fill,
        // stale entries stay bounded, so `find_partly_busy` does not scan a growing pool.
        for sel in [
            IdleSelection::LeastRecentlyUsed,
            IdleSelection::MostRecentlyCreated,
        ] {
            let mut v: Vec<Instance> = (0..2).map(inst).collect();
            let mut p = Pool::new(sel);
            p.insert(0, &mut v[0]); // idle, selected
            p.insert(1, &mut v[1]);
            v[1].busy_slots = 1; // partly busy
            for _ in 0..10_000 {
                let id = p
                    .find_partly_busy(&v)
                    .expect("the busy instance has a slot");
                assert_eq!(id, 1);
                v[1].busy_slots = 2;
                p.remove(&mut v[1]);
                p.maybe_compact(&v);
                v[1].busy_slots = 1;
                p.insert(1, &mut v[1]);
            }
            let entries = match &p {
                Pool::Deque { q, .. } => q.len(),
                Pool::Newest { heap, .. } => heap.len(),
            };
            assert!(entries <= 65 + 2 * p.live(), "{sel:?}: {entries} entries");
        }
    }

    #[test]
    fn scaling_window_allows_one_windows_worth_in_any_window() {
        let cfg = ScalingConfig {
            new_environments_per_window: Limit::Count(1_000),
            window_s: 10.0,
        };
        let mut l = ScalingLimiter::new(&cfg, "scaling").expect("valid");
        let t0 = SimTime(5_000_000);
        let granted = (0..1_500).filter(|_| l.try_take(t0)).count();
        assert_eq!(granted, 1_000);
        // Nothing more until the first creations leave the window, 10 s later.
        let t1 = SimTime(6_000_000);
        assert_eq!((0..500).filter(|_| l.try_take(t1)).count(), 0);
        assert!(!l.try_take(SimTime(14_999_999)));
        assert_eq!(
            (0..5_000)
                .filter(|_| l.try_take(SimTime(15_000_000)))
                .count(),
            1_000
        );
        // A steady 200 a second: 1,000 in the first 10 s, then 1,000 every 10 s, never 2,000.
        let mut steady = ScalingLimiter::new(&cfg, "scaling").expect("valid");
        let per_second: Vec<usize> = (0..30u64)
            .map(|s| {
                (0..200u64)
                    .filter(|i| steady.try_take(SimTime(s * 1_000_000 + i * 5_000)))
                    .count()
            })
            .collect();
        assert_eq!(per_second[..10].iter().sum::<usize>(), 1_000);
        assert_eq!(per_second[10..20].iter().sum::<usize>(), 1_000);
        for w in 0..=20 {
            assert!(
                per_second[w..w + 10].iter().sum::<usize>() <= 1_000,
                "{per_second:?}"
            );
        }
        let mut u = ScalingLimiter::new(
            &ScalingConfig {
                new_environments_per_window: Limit::Unlimited,
                window_s: 10.0,
            },
            "s",
        )
        .expect("valid");
        assert_eq!((0..10_000).filter(|_| u.try_take(t0)).count(), 10_000);
        // The window is at least 1 µs (time is whole microseconds), and the message says so.
        for (window_s, ok) in [
            (1e-9, false),
            (5e-7, false),
            (0.0, false),
            (1e-6, true),
            (1e10, true),
            (1e300, false),
        ] {
            let cfg = ScalingConfig {
                new_environments_per_window: Limit::Count(10),
                window_s,
            };
            match ScalingLimiter::new(&cfg, "scaling") {
                Ok(_) => assert!(ok, "{window_s} accepted"),
                Err(e) => {
                    let e = e.to_string();
                    assert!(!ok, "{window_s}: {e}");
                    assert!(
                        e.contains("scaling.window_s: must be from 0.000001 (1 µs, the time resolution) to 1e10 seconds, got"),
                        "{e}"
                    );
                    // Huge values in exponent form, not 301 digits.
                    assert!(e.len() < 200, "{e}");
                }
            }
        }
    }

    #[test]
    fn request_rate_window_slides_over_one_second() {
        let mut l = RequestRateLimiter::new(Limit::Count(3));
        let at = |l: &mut RequestRateLimiter, us: u64| l.try_admit(SimTime(us));
        // Three at once, a fourth refused (refusals take nothing from the quota).
        assert!(at(&mut l, 0) && at(&mut l, 0) && at(&mut l, 400_000));
        assert!(!at(&mut l, 999_999));
        assert!(!at(&mut l, 999_999));
        // At 1 s the two admissions at 0 have left (t - 1 s, t]; the one at 0.4 s has not.
        assert!(at(&mut l, 1_000_000) && at(&mut l, 1_000_000));
        assert!(!at(&mut l, 1_399_999));
        assert!(at(&mut l, 1_400_000));
        // The window holds runs per microsecond, not one entry per request.
        let mut l = RequestRateLimiter::new(Limit::Count(1_000_000));
        assert_eq!((0..2_000_000).filter(|_| at(&mut l, 5)).count(), 1_000_000);
        assert_eq!(l.window.runs.len(), 1);
        assert!(at(&mut l, 1_000_005));
        assert_eq!((l.window.runs.len(), l.window.in_window), (1, 1));
        let mut u = RequestRateLimiter::new(Limit::Unlimited);
        assert!((0..10_000).all(|_| at(&mut u, 0)));
        assert!(u.window.runs.is_empty());
    }

    #[test]
    fn retry_delays_grow_to_the_cap() {
        let r = AsyncRetryConfig::default()
            .compile("async_retry")
            .expect("valid");
        let mut d = SimDuration::ZERO;
        let mut seen = Vec::new();
        for _ in 0..12 {
            d = r.next_delay(d);
            seen.push(d.0 / 1_000_000);
        }
        assert_eq!(seen, vec![1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    }

    #[test]
    fn retry_settings_must_be_in_aws_ranges() {
        let check = |f: &dyn Fn(&mut AsyncRetryConfig), says: &str| {
            let mut c = AsyncRetryConfig::default();
            f(&mut c);
            let e = c
                .compile("async_retry")
                .map(|_| ())
                .unwrap_err()
                .to_string();
            assert!(e.contains(says), "{e}");
        };
        check(
            &|c| c.max_event_age_s = 10.0,
            "async_retry.max_event_age_s: must be 60 to 21600 seconds",
        );
        check(
            &|c| c.max_event_age_s = 100_000.0,
            "must be 60 to 21600 seconds",
        );
        check(
            &|c| c.max_event_age_s = f64::NAN,
            "must be 60 to 21600 seconds",
        );
        check(
            &|c| {
                c.initial_backoff_s = 10.0;
                c.max_backoff_s = 5.0;
            },
            "async_retry.max_backoff_s: 5 is below initial_backoff_s = 10",
        );
        for age in [60.0, 21_600.0] {
            let c = AsyncRetryConfig {
                max_event_age_s: age,
                ..AsyncRetryConfig::default()
            };
            assert!(c.compile("r").is_ok(), "{age}");
        }
    }

    #[test]
    fn partly_busy_instances_are_found_in_selection_order() {
        for sel in [
            IdleSelection::MostRecentlyUsed,
            IdleSelection::LeastRecentlyUsed,
            IdleSelection::MostRecentlyCreated,
        ] {
            let (p, mut v) = setup(sel);
            assert_eq!(p.find_partly_busy(&v), None);
            v[0].busy_slots = 1;
            v[2].busy_slots = 1;
            let want = match sel {
                // Released in order 2, 0, 1: the most recently used busy one is 0, the least 2.
                IdleSelection::MostRecentlyUsed => 0,
                IdleSelection::LeastRecentlyUsed => 2,
                IdleSelection::MostRecentlyCreated => 2,
            };
            assert_eq!(p.find_partly_busy(&v), Some(want), "{sel:?}");
        }
    }

    #[test]
    fn provisioned_schedule_must_increase() {
        let p = ProvisionedConfig {
            count: 5,
            schedule: vec![
                ProvisionedStep {
                    from_s: 60.0,
                    count: 10,
                },
                ProvisionedStep {
                    from_s: 30.0,
                    count: 2,
                },
            ],
        };
        let e = p
            .compile("functions[0].provisioned")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("functions[0].provisioned.schedule[1].from_s"),
            "{e}"
        );
        let ok = ProvisionedConfig {
            count: 5,
            schedule: vec![ProvisionedStep {
                from_s: 60.0,
                count: 10,
            }],
        };
        assert_eq!(
            ok.compile("p").expect("valid"),
            vec![(SimTime(0), 5), (SimTime(60_000_000), 10)]
        );
        assert_eq!(ok.max_count(), 10);
    }

    #[test]
    fn limit_parses_numbers_and_unlimited() {
        #[derive(Deserialize)]
        struct W {
            l: Limit,
        }
        let a: W = toml::from_str("l = 1000").expect("number");
        assert_eq!(a.l, Limit::Count(1000));
        let b: W = toml::from_str("l = \"unlimited\"").expect("word");
        assert_eq!(b.l, Limit::Unlimited);
        assert_eq!(
            toml::from_str::<W>("l = 1e4").expect("whole float").l,
            Limit::Count(10_000)
        );
        // Anything else says what is accepted.
        for bad in ["l = \"lots\"", "l = -3", "l = 2.5", "l = true"] {
            let e = toml::from_str::<W>(bad)
                .map(|_| ())
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("a whole number >= 0 (such as 1000) or \"unlimited\""),
                "{bad}: {e}"
            );
            assert!(!e.contains("untagged"), "{bad}: {e}");
        }
        assert_eq!(Limit::Unlimited.as_u64(), u64::MAX);
    }
}
