//! The discrete-event engine: [`Simulation::new`] compiles a [`Scenario`] with a seed, [`Simulation::run`]
//! processes events in `(time, sequence)` order until the horizon and returns a [`SimOutput`].
//!
//! ## Request path
//! Every attempt (an arrival or an asynchronous retry) first passes the account's invocation request-rate quota
//! (AWS: 10 × the concurrency limit per second, a sliding one-second window, see
//! [`crate::platform::RequestRateLimiter`]); an attempt over it is throttled and also counted in
//! `rate_throttles`. An admitted attempt of function `f` is served by, in order:
//! 1. an idle provisioned instance of `f` (provisioned concurrency is used first);
//! 2. an on-demand instance of `f` with a free slot, chosen by the idle-selection policy (if it is idle, taking
//!    it must fit the concurrency limits; if it does not, an already busy instance with a free slot is used);
//! 3. a new on-demand instance (a cold start), if the concurrency limits and the scaling-rate window
//!    allow it.
//!
//! Otherwise the attempt is throttled: a synchronous request is rejected; an asynchronous event is retried
//! after an exponential backoff unless that would exceed its maximum age, in which case it is dropped.
//!
//! An execution ends at the function timeout at the latest; an on-demand INIT over 10 s is cut there and run again
//! inside the invocation (facts 3.4).
//!
//! ## A timeout resets the instance
//! When an invocation times out (or its runtime crashes), Lambda resets the execution environment, and the next
//! invocation on it runs the Init phase again (a "suppressed init"): AWS Lambda Developer Guide, "Understanding
//! the Lambda execution environment lifecycle", failures during the invoke phase
//! (<https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html>). In the logs this is the
//! `INIT_START` that follows a `Status: timeout` REPORT. The model: an execution that ends at the function
//! timeout (the INIT re-run of an INIT over 10 s included) marks its instance as reset when it ends. The instance
//! stays, with its keep-alive, and takes no scaling-rate token and no new concurrency, but the next request it
//! serves is a cold start: it pays an init exactly like one on a new instance (the `init_added` sample or the
//! replayed init, cut at 10 s as above, billed by the `bill_init` rule; with `whole_request`, a cold request's
//! time) and counts in `cold_starts`, not in `instances_created`. This holds for provisioned instances too. With
//! per-instance concurrency > 1, requests already running on the instance are unaffected; requests assigned while
//! the re-init runs wait for it, as on a new instance. The simulator models no other failures (no function
//! errors, no crashes): a handled error does not reset an environment anyway.
//!
//! A request's response time is `queueing + (init) + execution`, where queueing is the time since the event first
//! arrived (asynchronous retries) plus any wait for its instance to finish initialising. Because the service
//! time is drawn when the request is assigned, its latency and billing are recorded then; only the instance's
//! release is a future event.
//!
//! ## Instance expiry
//! Each instance has at most one live idle timer. When it becomes idle its expiry time is set and a timer is
//! scheduled only if none is pending earlier. When a timer fires it is ignored if stale (generation mismatch), or
//! if the instance is busy; if the instance's expiry moved later, it is re-armed. So a busy function schedules
//! about one timer per instance per keep-alive period instead of one per request.

use crate::config::{ColdConfig, Scenario, ON_DEMAND_INIT_LIMIT_S};
use crate::error::ConfigError;
use crate::output::{
    FunctionOutput, LatencyReport, Metrics, ReplicatedOutput, SimOutput, TimeBucket,
};
use crate::platform::{
    Instance, InvocationType, Pool, RequestRateLimiter, RetryRule, ScalingLimiter, NO_TIME,
};
use crate::policy::{IdleDecision, KeepAlivePolicy, Policy};
use crate::queue::{pack_key, CalendarQueue, EventQueue, SlotQueue};
use crate::rng::dist::{SampleStream, Sampler};
use crate::rng::{derive_seed, function_stream_seed, stream, SimRng};
use crate::stats::{measured_weight, Latency, Levels, Series};
use crate::time::{SimDuration, SimTime, MICROS_PER_S};
use crate::workload::ArrivalGen;

/// Longest on-demand INIT phase (facts 3.4).
const INIT_LIMIT: SimDuration = SimDuration(ON_DEMAND_INIT_LIMIT_S * MICROS_PER_S);

/// Most replications [`run_replications`] runs (each keeps its headline figures until the summary).
pub const MAX_REPLICATIONS: u32 = 1_000;

/// What happens at an event time. Kept to 12 bytes so heap entries stay at 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    /// The function's pending generated arrival.
    Arrival(u32),
    /// One request on this instance finishes; `timed_out`: it ended at the function timeout, which resets the
    /// instance.
    Completion { inst: u32, timed_out: bool },
    /// Idle timer of an instance (valid only if `gen` matches).
    IdleTimer { inst: u32, gen: u32 },
    /// An asynchronous retry (index into the retry slab).
    Retry(u32),
    /// A hybrid-policy pre-warm (index into the pre-warm slab).
    Prewarm(u32),
    /// A provisioned-concurrency schedule step.
    Provision { func: u32, step: u32 },
    /// Start of the measured period.
    MeasureStart,
}

/// How a request starts on its instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// On an existing instance.
    Warm,
    /// On the instance just created for it; `rerun` is an INIT cut at the on-demand limit, which runs again
    /// inside the invocation (zero for an INIT within the limit).
    Cold { rerun: SimDuration },
}

/// A request being served or retried.
#[derive(Debug, Clone, Copy)]
struct Request {
    first_arrival: SimTime,
    duration: Option<SimDuration>,
    init: Option<SimDuration>,
    /// Last retry delay (zero on the first attempt).
    backoff: SimDuration,
}

#[derive(Debug, Clone, Copy)]
struct PrewarmRec {
    func: u32,
    unloaded_at: SimTime,
    keep_for: SimDuration,
}

#[derive(Debug, Clone)]
enum ColdModel {
    InitAdded(Sampler),
    WholeRequest(Sampler),
}

#[derive(Debug, Clone, Default)]
struct Counters {
    requests: u64,
    warm: u64,
    cold: u64,
    throttles: u64,
    rate_throttles: u64,
    rejected: u64,
    async_retries: u64,
    dropped: u64,
    timeouts: u64,
    init_timeouts: u64,
    prewarms: u64,
    created: u64,
    ended: u64,
    lifespan_sum_us: u128,
    billed_exec_ms: u64,
    billed_exec_pc_ms: u64,
    billed_init_ms: u64,
}

#[derive(Debug, Clone)]
struct FnState {
    name: String,
    memory_mb: u32,
    gen: ArrivalGen,
    /// Warm execution times (their own stream, drawn ahead).
    warm: SampleStream,
    cold: ColdModel,
    cold_rng: SimRng,
    invocation: InvocationType,
    retry: RetryRule,
    slots: u32,
    policy: Policy,
    od_pool: Pool,
    pc_pool: Pool,
    reserved: Option<u64>,
    scaling: ScalingLimiter,
    pc_steps: Vec<(SimTime, u32)>,
    bill_init: bool,
    /// Function timeout: an execution ends there at the latest.
    timeout: SimDuration,
    /// Longest whole cold request (`whole_request` model): the on-demand INIT limit plus the timeout.
    whole_cap: SimDuration,
    /// Busy on-demand instances.
    od_busy: u64,
    /// Configured provisioned concurrency.
    pc_target: u64,
    /// Provisioned instances alive and not marked for retirement.
    pc_active: u64,
    /// Busy instances (on-demand + provisioned).
    busy_total: u64,
    last_finish: Option<SimTime>,
    last_arrival: Option<SimTime>,
    levels: Levels,
    series: Option<Series>,
    latency: Latency,
    c: Counters,
}

/// A compiled, ready-to-run simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    seed: u64,
    horizon: SimTime,
    measure_from: SimTime,
    resolution: Option<SimDuration>,
    unreserved_cap: u64,
    unreserved_used: u64,
    /// The account's invocation request-rate quota, checked on every attempt before concurrency.
    rate: RequestRateLimiter,
    funcs: Vec<FnState>,
    instances: Vec<Instance>,
    free_instances: Vec<u32>,
    /// Everything but arrivals and idle timers (mostly completions).
    queue: CalendarQueue<Event>,
    /// Idle timers: few and far ahead (one per idle instance per keep-alive period), so they are kept out of
    /// the completion heap, which stays shallow.
    timers: EventQueue<Event>,
    /// The pending arrival of each function (a separate lane sharing `seq`: ordering is exactly that of one
    /// queue, but the common arrival path touches a heap of one entry per function instead of the big one).
    arrivals: SlotQueue,
    /// Shared sequence counter of the three queues.
    seq: u64,
    retries: Vec<Request>,
    retry_funcs: Vec<u32>,
    free_retries: Vec<u32>,
    prewarms: Vec<PrewarmRec>,
    free_prewarms: Vec<u32>,
    created_seq: u64,
    total: Levels,
    /// Account-wide series; `None` with a single function, whose own series is copied at the end.
    total_series: Option<Series>,
    /// Exactly one function: the account totals equal its figures, so they are not tracked twice.
    single: bool,
    events: u64,
    destroyed_since_compact: u64,
}

impl Simulation {
    /// Validates `scenario` and prepares a run with `seed`. Every random stream is derived from `seed` and the
    /// function's name, so the same `(scenario, seed)` always produces the same output.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Simulation, ConfigError> {
        scenario.validate()?;
        let horizon = SimTime(scenario.horizon().0);
        let measure_from = SimTime(
            SimDuration::from_secs_f64(scenario.warmup_s)
                .unwrap_or(SimDuration::ZERO)
                .0,
        );
        let resolution = scenario.resolution.bucket();
        let limit = scenario.account.concurrency_limit.as_u64();
        let reserved_sum: u64 = scenario
            .functions
            .iter()
            .filter_map(|f| f.reserved_concurrency)
            .sum();
        let unreserved_cap = if limit == u64::MAX {
            u64::MAX
        } else {
            limit.saturating_sub(reserved_sum)
        };
        let mut funcs = Vec::with_capacity(scenario.functions.len());
        for (i, f) in scenario.functions.iter().enumerate() {
            let p = format!("functions[{i}]");
            let rng = |label| SimRng::new(function_stream_seed(seed, &f.name, label));
            let gen = f.arrivals.compile(
                &format!("{p}.arrivals"),
                rng(stream::ARRIVALS),
                rng(stream::REPLAY_SCALE),
            )?;
            let warm = f.warm.compile(&format!("{p}.warm"))?;
            let cold = match &f.cold {
                ColdConfig::InitAdded { init } => {
                    ColdModel::InitAdded(init.compile(&format!("{p}.cold.init"))?)
                }
                ColdConfig::WholeRequest { request } => {
                    ColdModel::WholeRequest(request.compile(&format!("{p}.cold.request"))?)
                }
            };
            let series = resolution.map(|w| Series::new(w, measure_from, horizon));
            // Validated to 1..=900 s above.
            let timeout = SimDuration::from_secs_f64(f.timeout_s).unwrap_or(SimDuration::ZERO);
            funcs.push(FnState {
                name: f.name.clone(),
                memory_mb: f.memory_mb,
                gen,
                warm: SampleStream::new(warm, rng(stream::WARM)),
                cold,
                cold_rng: rng(stream::COLD),
                invocation: f.invocation,
                retry: f.async_retry.compile(&format!("{p}.async_retry"))?,
                slots: f.concurrency_per_instance,
                policy: f.keep_alive.compile(&format!("{p}.keep_alive"))?,
                od_pool: Pool::new(f.idle_selection),
                pc_pool: Pool::new(f.idle_selection),
                reserved: f.reserved_concurrency,
                scaling: ScalingLimiter::new(&f.scaling, &format!("{p}.scaling"))?,
                pc_steps: f.provisioned.compile(&format!("{p}.provisioned"))?,
                bill_init: f.bill_init,
                timeout,
                whole_cap: timeout + INIT_LIMIT,
                od_busy: 0,
                pc_target: 0,
                pc_active: 0,
                busy_total: 0,
                last_finish: None,
                last_arrival: None,
                levels: Levels::default(),
                series,
                latency: Latency::default(),
                c: Counters::default(),
            });
        }
        let mut sim = Simulation {
            seed,
            horizon,
            measure_from,
            resolution,
            unreserved_cap,
            unreserved_used: 0,
            rate: RequestRateLimiter::new(scenario.account.request_rate()),
            funcs,
            instances: Vec::new(),
            free_instances: Vec::new(),
            queue: CalendarQueue::new(),
            timers: EventQueue::with_capacity(256),
            arrivals: SlotQueue::new(scenario.functions.len()),
            seq: 0,
            retries: Vec::new(),
            retry_funcs: Vec::new(),
            free_retries: Vec::new(),
            prewarms: Vec::new(),
            free_prewarms: Vec::new(),
            created_seq: 0,
            total: Levels::default(),
            total_series: if scenario.functions.len() == 1 {
                None
            } else {
                resolution.map(|w| Series::new(w, measure_from, horizon))
            },
            single: scenario.functions.len() == 1,
            events: 0,
            destroyed_since_compact: 0,
        };
        // Provisioned steps first, so instances exist before a request at the same instant.
        for fi in 0..sim.funcs.len() {
            let steps: Vec<SimTime> = sim.funcs[fi].pc_steps.iter().map(|&(t, _)| t).collect();
            for (si, t) in steps.into_iter().enumerate() {
                if t < horizon {
                    sim.push(
                        t,
                        Event::Provision {
                            func: fi as u32,
                            step: si as u32,
                        },
                    );
                }
            }
        }
        sim.push(measure_from, Event::MeasureStart);
        for fi in 0..sim.funcs.len() {
            sim.schedule_next_arrival(fi);
        }
        Ok(sim)
    }

    /// Runs to the horizon and returns the results.
    pub fn run(mut self) -> SimOutput {
        loop {
            // Three lanes sharing one sequence counter, merged by key: exactly the order of a single queue.
            let (fa, ka) = self.arrivals.peek().unwrap_or((0, u128::MAX));
            let kq = self.queue.peek_key().unwrap_or(u128::MAX);
            let kt = self.timers.peek_key().unwrap_or(u128::MAX);
            let ev = if ka < kq && ka < kt {
                let (time, _) = crate::queue::unpack_key(ka);
                crate::queue::Scheduled {
                    time,
                    seq: 0,
                    event: Event::Arrival(fa as u32),
                }
            } else if kq < kt {
                match self.queue.pop() {
                    Some(ev) => ev,
                    None => break,
                }
            } else {
                match self.timers.pop() {
                    Some(ev) => ev,
                    None => break,
                }
            };
            if ev.time >= self.horizon {
                break;
            }
            self.events += 1;
            let now = ev.time;
            match ev.event {
                Event::Arrival(f) => self.on_arrival(f as usize, now),
                Event::Completion { inst, timed_out } => self.on_completion(inst, timed_out, now),
                Event::IdleTimer { inst, gen } => self.on_timer(inst, gen, now),
                Event::Retry(idx) => self.on_retry(idx, now),
                Event::Prewarm(idx) => self.on_prewarm(idx, now),
                Event::Provision { func, step } => {
                    self.on_provision(func as usize, step as usize, now)
                }
                Event::MeasureStart => self.on_measure_start(now),
            }
        }
        self.finish()
    }

    /// Schedules `event` at `time` (arrivals go to their own lane).
    #[inline(always)]
    fn push(&mut self, time: SimTime, event: Event) {
        let seq = self.seq;
        self.seq += 1;
        match event {
            Event::Arrival(f) => self.arrivals.set(f as usize, Some(pack_key(time, seq))),
            Event::IdleTimer { .. } => self.timers.push_with_seq(time, seq, event),
            _ => self.queue.push_with_seq(time, seq, event),
        }
    }

    #[inline]
    fn measuring(&self, t: SimTime) -> bool {
        t >= self.measure_from
    }

    #[inline(always)]
    fn schedule_next_arrival(&mut self, fi: usize) {
        let horizon = self.horizon;
        match self.funcs[fi].gen.next_time(horizon) {
            Some(t) => self.push(t, Event::Arrival(fi as u32)),
            None => self.arrivals.set(fi, None),
        }
    }

    fn on_measure_start(&mut self, now: SimTime) {
        let _ = now;
        for f in &mut self.funcs {
            f.levels.reset_max();
        }
        self.total.reset_max();
    }

    /// Weight of a level change at `now` in the time integrals (see [`Levels`]).
    #[inline(always)]
    fn weight(&self, now: SimTime) -> u128 {
        measured_weight(now, self.measure_from, self.horizon)
    }

    /// Updates maxima and time series after a change.
    #[inline(always)]
    fn settle(&mut self, fi: usize, now: SimTime) {
        let measuring = self.measuring(now);
        let f = &mut self.funcs[fi];
        if measuring {
            f.levels.note_max();
            if !self.single {
                self.total.note_max();
            }
        }
        if let Some(s) = &mut f.series {
            s.levels(now, f.levels.in_flight, f.levels.instances);
        }
        if let Some(s) = &mut self.total_series {
            s.levels(now, self.total.in_flight, self.total.instances);
        }
    }

    #[inline]
    fn on_arrival(&mut self, fi: usize, now: SimTime) {
        // The durations given with this arrival (replay), read before the next one is generated.
        let (duration, init) = self.funcs[fi].gen.given();
        self.schedule_next_arrival(fi);
        let measuring = self.measuring(now);
        let f = &mut self.funcs[fi];
        f.policy
            .observe_arrival(now, f.busy_total > 0, f.last_finish);
        f.last_arrival = Some(now);
        if measuring {
            f.c.requests += 1;
            if let Some(s) = &mut f.series {
                s.arrival(now);
            }
            if let Some(s) = &mut self.total_series {
                s.arrival(now);
            }
        }
        self.handle(
            fi,
            now,
            Request {
                first_arrival: now,
                duration,
                init,
                backoff: SimDuration::ZERO,
            },
        );
    }

    /// Whether function `fi` may add one busy instance under reserved / account concurrency.
    #[inline]
    fn can_add_busy(&self, fi: usize) -> bool {
        let f = &self.funcs[fi];
        match f.reserved {
            Some(r) => f.od_busy + f.pc_target < r,
            None => self.unreserved_used < self.unreserved_cap,
        }
    }

    #[inline]
    fn handle(&mut self, fi: usize, now: SimTime, req: Request) {
        // 0. The account's request-rate quota, before any concurrency check (provisioned included).
        if !self.rate.try_admit(now) {
            self.throttle(fi, now, req, true);
            return;
        }
        // 1. Provisioned first.
        if let Some(id) = self.funcs[fi].pc_pool.peek(&self.instances) {
            self.assign(fi, id, now, req, Start::Warm, true);
            return;
        }
        // 2. A warm on-demand instance with a free slot.
        if let Some(id) = self.funcs[fi].od_pool.peek(&self.instances) {
            if self.instances[id as usize].busy_slots > 0 || self.can_add_busy(fi) {
                self.assign(fi, id, now, req, Start::Warm, true);
                return;
            }
            // The selected instance is idle and the limits allow no more busy instances, but an instance that is
            // already busy may still have a free slot (per-instance concurrency > 1): it costs no concurrency.
            if self.funcs[fi].slots > 1 {
                if let Some(id) = self.funcs[fi].od_pool.find_partly_busy(&self.instances) {
                    self.assign(fi, id, now, req, Start::Warm, false);
                    // An instance filled here leaves a stale entry behind (it was not at the
                    // selection end): compact now and then, or the scans above walk more and more.
                    self.funcs[fi].od_pool.maybe_compact(&self.instances);
                    return;
                }
            }
            self.throttle(fi, now, req, false);
            return;
        }
        // 3. A new instance (cold start).
        if self.can_add_busy(fi) && self.funcs[fi].scaling.try_take(now) {
            let f = &mut self.funcs[fi];
            let (phase, rerun) = draw_init(&f.cold, &mut f.cold_rng, req.init);
            let id = self.create_instance(fi, now, false, now + phase);
            if self.measuring(req.first_arrival) {
                if let Some(s) = &mut self.funcs[fi].series {
                    s.cold_start(now);
                }
                if let Some(s) = &mut self.total_series {
                    s.cold_start(now);
                }
            }
            // A new instance joins the pool (so requests can share it when it has several slots); `assign`
            // takes it out again when it is full.
            let (f, inst) = (&mut self.funcs[fi], &mut self.instances[id as usize]);
            f.od_pool.insert(id, inst);
            self.assign(fi, id, now, req, Start::Cold { rerun }, true);
            return;
        }
        self.throttle(fi, now, req, false);
    }

    /// Serves `req` on instance `id` (which is in one of `fi`'s pools; `peeked`: the one at its selection end).
    #[inline]
    fn assign(&mut self, fi: usize, id: u32, now: SimTime, req: Request, how: Start, peeked: bool) {
        let w = self.weight(now);
        let f = &mut self.funcs[fi];
        let inst = &mut self.instances[id as usize];
        let was_idle = inst.busy_slots == 0;
        inst.busy_slots += 1;
        if inst.busy_slots >= f.slots {
            let pool = if inst.provisioned {
                &mut f.pc_pool
            } else {
                &mut f.od_pool
            };
            if peeked {
                pool.pop_peeked(inst);
            } else {
                pool.remove(inst);
            }
        }
        let (cold, rerun) = match how {
            Start::Warm if inst.reset => {
                // The instance was reset by a timeout: this request runs the init again, a cold start on
                // an existing instance (no new environment, so no scaling token and no creation).
                inst.reset = false;
                let (phase, rerun) = draw_init(&f.cold, &mut f.cold_rng, req.init);
                inst.ready_at = now + phase;
                if req.first_arrival >= self.measure_from {
                    if let Some(s) = &mut f.series {
                        s.cold_start(now);
                    }
                    if let Some(s) = &mut self.total_series {
                        s.cold_start(now);
                    }
                }
                (true, rerun)
            }
            Start::Warm => (false, SimDuration::ZERO),
            Start::Cold { rerun } => (true, rerun),
        };
        let provisioned = inst.provisioned;
        let start = now.max(inst.ready_at);
        if was_idle {
            f.busy_total += 1;
            f.levels.inc_busy(w);
            self.total.inc_busy(w);
            if provisioned {
                f.levels.inc_pc_busy(w);
            } else {
                f.od_busy += 1;
                if f.reserved.is_none() {
                    self.unreserved_used += 1;
                }
            }
        }
        f.levels.inc_in_flight(w);
        self.total.inc_in_flight(w);

        let (exec, init, cap) = match (&f.cold, cold) {
            (ColdModel::WholeRequest(s), true) => {
                (s.sample(&mut f.cold_rng), SimDuration::ZERO, f.whole_cap)
            }
            // `rerun`: an INIT cut at the 10 s limit runs again inside the invocation.
            (ColdModel::InitAdded(_), true) => (
                rerun + req.duration.unwrap_or_else(|| f.warm.next_sample()),
                start - now,
                f.timeout,
            ),
            _ => (
                req.duration.unwrap_or_else(|| f.warm.next_sample()),
                SimDuration::ZERO,
                f.timeout,
            ),
        };
        // An execution longer than the function timeout ends as a timeout there.
        let timed_out = exec > cap;
        let exec = if timed_out { cap } else { exec };
        let end = start + exec;
        // Latency and billing belong to requests that first arrived in the measured period.
        if req.first_arrival >= self.measure_from {
            let response = end - req.first_arrival;
            f.latency.record(cold, response);
            let exec_ms = exec.ceil_millis();
            f.c.billed_exec_ms += exec_ms;
            if provisioned {
                f.c.billed_exec_pc_ms += exec_ms;
            }
            if timed_out {
                f.c.timeouts += 1;
            }
            if rerun.0 > 0 {
                f.c.init_timeouts += 1;
            }
            if cold {
                f.c.cold += 1;
                if f.bill_init {
                    f.c.billed_init_ms += (init + exec).ceil_millis() - exec_ms;
                }
            } else {
                f.c.warm += 1;
            }
        }
        self.push(
            end,
            Event::Completion {
                inst: id,
                timed_out,
            },
        );
        self.settle(fi, now);
    }

    /// Throttles an attempt: over the concurrency limits or the scaling rate, or (`rate`) over the account's
    /// request-rate quota. Both are handled alike; the rate ones are also counted apart.
    fn throttle(&mut self, fi: usize, now: SimTime, req: Request, rate: bool) {
        let counted = self.measuring(req.first_arrival);
        let f = &mut self.funcs[fi];
        if counted {
            f.c.throttles += 1;
            if rate {
                f.c.rate_throttles += 1;
            }
            if let Some(s) = &mut f.series {
                s.throttle(now);
            }
            if let Some(s) = &mut self.total_series {
                s.throttle(now);
            }
        }
        match f.invocation {
            InvocationType::Sync => {
                if counted {
                    f.c.rejected += 1;
                }
            }
            InvocationType::Async => {
                let delay = f.retry.next_delay(req.backoff);
                let at = now + delay;
                if at - req.first_arrival > f.retry.max_age {
                    if counted {
                        f.c.dropped += 1;
                    }
                } else {
                    if counted {
                        f.c.async_retries += 1;
                    }
                    let rec = Request {
                        backoff: delay,
                        ..req
                    };
                    let idx = match self.free_retries.pop() {
                        Some(i) => {
                            self.retries[i as usize] = rec;
                            self.retry_funcs[i as usize] = fi as u32;
                            i
                        }
                        None => {
                            self.retries.push(rec);
                            self.retry_funcs.push(fi as u32);
                            (self.retries.len() - 1) as u32
                        }
                    };
                    self.push(at, Event::Retry(idx));
                }
            }
        }
    }

    fn on_retry(&mut self, idx: u32, now: SimTime) {
        let req = self.retries[idx as usize];
        let fi = self.retry_funcs[idx as usize] as usize;
        self.free_retries.push(idx);
        self.handle(fi, now, req);
    }

    fn create_instance(
        &mut self,
        fi: usize,
        now: SimTime,
        provisioned: bool,
        ready_at: SimTime,
    ) -> u32 {
        let w = self.weight(now);
        let seq = self.created_seq;
        self.created_seq += 1;
        let id = match self.free_instances.pop() {
            Some(id) => id,
            None => {
                self.instances.push(Instance {
                    func: 0,
                    busy_slots: 0,
                    provisioned: false,
                    retire_when_idle: false,
                    alive: false,
                    timer_gen: 0,
                    pool_stamp: 0,
                    in_pool: false,
                    created_seq: 0,
                    created_at: SimTime::ZERO,
                    ready_at: SimTime::ZERO,
                    reset: false,
                    idle_since: SimTime::ZERO,
                    expires_at: NO_TIME,
                    timer_at: NO_TIME,
                });
                (self.instances.len() - 1) as u32
            }
        };
        let inst = &mut self.instances[id as usize];
        inst.func = fi as u32;
        inst.busy_slots = 0;
        inst.provisioned = provisioned;
        inst.retire_when_idle = false;
        inst.alive = true;
        inst.in_pool = false;
        inst.created_seq = seq;
        inst.created_at = now;
        inst.ready_at = ready_at;
        inst.reset = false;
        inst.idle_since = now;
        inst.expires_at = NO_TIME;
        inst.timer_at = NO_TIME;
        let measuring = self.measuring(now);
        let f = &mut self.funcs[fi];
        f.levels.inc_instances(w);
        self.total.inc_instances(w);
        if provisioned {
            f.levels.inc_pc_instances(w);
            f.pc_active += 1;
        }
        if measuring {
            f.c.created += 1;
        }
        self.settle(fi, now);
        id
    }

    fn destroy_instance(&mut self, id: u32, now: SimTime) {
        let fi = self.instances[id as usize].func as usize;
        let w = self.weight(now);
        let measuring = self.measuring(now);
        let f = &mut self.funcs[fi];
        let inst = &mut self.instances[id as usize];
        if inst.provisioned {
            f.pc_pool.remove(inst);
            f.levels.dec_pc_instances(w);
            if !inst.retire_when_idle {
                f.pc_active -= 1;
            }
        } else {
            f.od_pool.remove(inst);
        }
        inst.alive = false;
        inst.timer_gen = inst.timer_gen.wrapping_add(1);
        inst.timer_at = NO_TIME;
        f.levels.dec_instances(w);
        self.total.dec_instances(w);
        if measuring {
            f.c.ended += 1;
            f.c.lifespan_sum_us += u128::from((now - inst.created_at).0);
        }
        self.free_instances.push(id);
        self.destroyed_since_compact += 1;
        if self.destroyed_since_compact >= 256 {
            self.destroyed_since_compact = 0;
            for f in &mut self.funcs {
                f.od_pool.maybe_compact(&self.instances);
                f.pc_pool.maybe_compact(&self.instances);
            }
        }
        self.settle(fi, now);
    }

    #[inline]
    fn arm_timer(&mut self, id: u32) {
        let inst = &mut self.instances[id as usize];
        if inst.expires_at == NO_TIME {
            return;
        }
        if inst.timer_at == NO_TIME || inst.expires_at < inst.timer_at {
            inst.timer_gen = inst.timer_gen.wrapping_add(1);
            inst.timer_at = inst.expires_at;
            let (gen, at) = (inst.timer_gen, SimTime(inst.expires_at));
            self.push(at, Event::IdleTimer { inst: id, gen });
        }
    }

    #[inline]
    fn on_completion(&mut self, id: u32, timed_out: bool, now: SimTime) {
        let fi = self.instances[id as usize].func as usize;
        let w = self.weight(now);
        let f = &mut self.funcs[fi];
        let inst = &mut self.instances[id as usize];
        if timed_out {
            // Lambda resets an environment whose invocation timed out: the instance stays (and keeps its
            // keep-alive), but the next request it serves runs the init again (see the module docs).
            inst.reset = true;
        }
        let was_full = inst.busy_slots >= f.slots;
        inst.busy_slots -= 1;
        f.levels.dec_in_flight(w);
        self.total.dec_in_flight(w);
        let provisioned = inst.provisioned;
        if inst.busy_slots == 0 {
            inst.idle_since = now;
            f.busy_total -= 1;
            f.levels.dec_busy(w);
            self.total.dec_busy(w);
            f.last_finish = Some(now);
            if provisioned {
                f.levels.dec_pc_busy(w);
                if inst.retire_when_idle {
                    self.settle(fi, now);
                    self.destroy_instance(id, now);
                    return;
                }
            } else {
                f.od_busy -= 1;
                if f.reserved.is_none() {
                    self.unreserved_used -= 1;
                }
                match f.policy.on_idle() {
                    IdleDecision::KeepFor(d) => {
                        if d.0 == 0 {
                            self.settle(fi, now);
                            self.destroy_instance(id, now);
                            return;
                        }
                        inst.expires_at = if d.is_infinite() {
                            NO_TIME
                        } else {
                            (now + d).0
                        };
                    }
                    IdleDecision::UnloadThenPrewarm {
                        prewarm_after,
                        keep_for,
                    } => {
                        self.settle(fi, now);
                        self.destroy_instance(id, now);
                        let rec = PrewarmRec {
                            func: fi as u32,
                            unloaded_at: now,
                            keep_for,
                        };
                        let idx = match self.free_prewarms.pop() {
                            Some(i) => {
                                self.prewarms[i as usize] = rec;
                                i
                            }
                            None => {
                                self.prewarms.push(rec);
                                (self.prewarms.len() - 1) as u32
                            }
                        };
                        self.push(now + prewarm_after, Event::Prewarm(idx));
                        return;
                    }
                }
                self.arm_timer(id);
            }
        }
        let f = &mut self.funcs[fi];
        let inst = &mut self.instances[id as usize];
        if was_full && !inst.retire_when_idle {
            if provisioned {
                f.pc_pool.insert(id, inst);
            } else {
                f.od_pool.insert(id, inst);
            }
        }
        self.settle(fi, now);
    }

    fn on_timer(&mut self, id: u32, gen: u32, now: SimTime) {
        let inst = &mut self.instances[id as usize];
        if !inst.alive || inst.timer_gen != gen {
            return;
        }
        inst.timer_at = NO_TIME;
        if inst.busy_slots > 0 {
            return;
        }
        if inst.expires_at <= now.0 {
            self.destroy_instance(id, now);
        } else {
            self.arm_timer(id);
        }
    }

    fn on_prewarm(&mut self, idx: u32, now: SimTime) {
        let rec = self.prewarms[idx as usize];
        self.free_prewarms.push(idx);
        let fi = rec.func as usize;
        if self.funcs[fi]
            .last_arrival
            .is_some_and(|t| t > rec.unloaded_at)
        {
            return;
        }
        let id = self.create_instance(fi, now, false, now);
        let measuring = self.measuring(now);
        let f = &mut self.funcs[fi];
        if measuring {
            f.c.prewarms += 1;
        }
        let inst = &mut self.instances[id as usize];
        inst.expires_at = if rec.keep_for.is_infinite() {
            NO_TIME
        } else {
            (now + rec.keep_for).0
        };
        f.od_pool.insert(id, inst);
        self.arm_timer(id);
    }

    fn on_provision(&mut self, fi: usize, step: usize, now: SimTime) {
        let Some(&(_, target)) = self.funcs[fi].pc_steps.get(step) else {
            return;
        };
        let target = u64::from(target);
        let w = self.weight(now);
        let f = &mut self.funcs[fi];
        if f.reserved.is_none() {
            self.unreserved_used = self.unreserved_used - f.pc_target + target;
        }
        f.pc_target = target;
        f.levels.set_pc_configured(target, w);
        let total_pc = self.funcs.iter().map(|f| f.pc_target).sum();
        self.total.set_pc_configured(total_pc, w);
        // Grow: first keep instances that were marked for retirement, then allocate new ones.
        if self.funcs[fi].pc_active < target {
            for id in 0..self.instances.len() {
                if self.funcs[fi].pc_active >= target {
                    break;
                }
                let inst = &mut self.instances[id];
                if inst.alive
                    && inst.func as usize == fi
                    && inst.provisioned
                    && inst.retire_when_idle
                {
                    inst.retire_when_idle = false;
                    self.funcs[fi].pc_active += 1;
                    // Busy, so not in the pool; `on_completion` re-inserts it when a slot frees.
                }
            }
            while self.funcs[fi].pc_active < target {
                let id = self.create_instance(fi, now, true, now);
                let (f, inst) = (&mut self.funcs[fi], &mut self.instances[id as usize]);
                f.pc_pool.insert(id, inst);
            }
        }
        // Shrink: idle instances go at once, busy ones when they finish.
        while self.funcs[fi].pc_active > target {
            let Some(id) = self.funcs[fi].pc_pool.peek(&self.instances) else {
                break;
            };
            if self.instances[id as usize].busy_slots > 0 {
                break;
            }
            self.destroy_instance(id, now);
        }
        if self.funcs[fi].pc_active > target {
            for id in 0..self.instances.len() {
                if self.funcs[fi].pc_active <= target {
                    break;
                }
                let inst = &self.instances[id];
                if !(inst.alive
                    && inst.func as usize == fi
                    && inst.provisioned
                    && !inst.retire_when_idle)
                {
                    continue;
                }
                if inst.busy_slots == 0 {
                    self.destroy_instance(id as u32, now);
                } else {
                    let (f, inst) = (&mut self.funcs[fi], &mut self.instances[id]);
                    inst.retire_when_idle = true;
                    f.pc_pool.remove(inst);
                    f.pc_active -= 1;
                }
            }
        }
        self.settle(fi, now);
    }

    fn finish(mut self) -> SimOutput {
        let end = self.horizon;
        let mf = self.measure_from;
        if self.single {
            if let Some(f) = self.funcs.first() {
                self.total = f.levels.clone();
                self.total_series = f.series.clone();
            }
        }
        let measured_us = (end - mf).0;
        let mut total_latency = Latency::default();
        let mut functions = Vec::with_capacity(self.funcs.len());
        let mut sum = Counters::default();
        let (mut exec_gb_s, mut exec_pc_gb_s, mut init_gb_s) = (0.0, 0.0, 0.0);
        let (mut idle_s, mut idle_gb_s, mut pc_gb_s) = (0.0, 0.0, 0.0);
        let (mut pc_busy_area, mut pc_inst_area) = (0u128, 0u128);
        for f in std::mem::take(&mut self.funcs) {
            total_latency.merge(&f.latency);
            add_counters(&mut sum, &f.c);
            let m = metrics(&f.c, &f.levels, &f.latency, measured_us, Some(f.memory_mb));
            exec_gb_s += m.billed_execution_gb_s;
            exec_pc_gb_s += m.billed_execution_on_provisioned_gb_s;
            init_gb_s += m.billed_init_gb_s;
            idle_s += m.idle_instance_s;
            idle_gb_s += m.idle_gb_s;
            pc_gb_s += m.provisioned_gb_s;
            pc_busy_area += f.levels.area_pc_busy;
            pc_inst_area += f.levels.area_pc_instances;
            functions.push(FunctionOutput {
                name: f.name,
                memory_mb: f.memory_mb,
                metrics: m,
                time_series: f.series.map_or_else(Vec::new, Series::finish),
            });
        }
        let mut total = metrics(&sum, &self.total, &total_latency, measured_us, None);
        total.billed_execution_gb_s = exec_gb_s;
        total.billed_execution_on_provisioned_gb_s = exec_pc_gb_s;
        total.billed_init_gb_s = init_gb_s;
        total.idle_instance_s = idle_s;
        total.idle_gb_s = idle_gb_s;
        total.provisioned_gb_s = pc_gb_s;
        total.provisioned_utilization = ratio_u128(pc_busy_area, pc_inst_area);
        SimOutput {
            seed: self.seed,
            warmup_s: mf.as_secs_f64(),
            measured_s: measured_us as f64 / MICROS_PER_S as f64,
            resolution_s: self.resolution.map(|d| d.0 / MICROS_PER_S),
            events_processed: self.events,
            total,
            time_series: self
                .total_series
                .map_or_else(Vec::<TimeBucket>::new, Series::finish),
            functions,
        }
    }
}

/// The init of a cold start: the replayed `given` one or a sample of the `init_added` model (zero with
/// `whole_request`, whose cold requests draw their whole time instead). Returns the INIT phase and the init
/// re-run inside the invocation: an on-demand INIT longer than 10 s is cut there and then runs again inside
/// the invocation, under the function timeout (facts 3.4); otherwise the re-run is zero.
#[inline]
fn draw_init(
    cold: &ColdModel,
    rng: &mut SimRng,
    given: Option<SimDuration>,
) -> (SimDuration, SimDuration) {
    let init = match cold {
        ColdModel::InitAdded(s) => given.unwrap_or_else(|| s.sample(rng)),
        ColdModel::WholeRequest(_) => SimDuration::ZERO,
    };
    if init > INIT_LIMIT {
        (INIT_LIMIT, init)
    } else {
        (init, SimDuration::ZERO)
    }
}

fn add_counters(a: &mut Counters, b: &Counters) {
    a.requests += b.requests;
    a.warm += b.warm;
    a.cold += b.cold;
    a.throttles += b.throttles;
    a.rate_throttles += b.rate_throttles;
    a.rejected += b.rejected;
    a.async_retries += b.async_retries;
    a.dropped += b.dropped;
    a.timeouts += b.timeouts;
    a.init_timeouts += b.init_timeouts;
    a.prewarms += b.prewarms;
    a.created += b.created;
    a.ended += b.ended;
    a.lifespan_sum_us += b.lifespan_sum_us;
    a.billed_exec_ms += b.billed_exec_ms;
    a.billed_exec_pc_ms += b.billed_exec_pc_ms;
    a.billed_init_ms += b.billed_init_ms;
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn ratio_u128(a: u128, b: u128) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// GB-seconds of `ms` milliseconds at `memory_mb` (GB = 1024 MB, as AWS bills).
fn gb_s(ms: u64, memory_mb: u32) -> f64 {
    ms as f64 / 1_000.0 * f64::from(memory_mb) / 1_024.0
}

fn metrics(
    c: &Counters,
    l: &Levels,
    lat: &Latency,
    measured_us: u64,
    memory_mb: Option<u32>,
) -> Metrics {
    let t = measured_us.max(1) as f64;
    let avg = |area: u128| area as f64 / t;
    let served = c.warm + c.cold;
    let idle_area =
        (l.area_instances - l.area_pc_instances).saturating_sub(l.area_busy - l.area_pc_busy);
    let idle_instance_s = idle_area as f64 / MICROS_PER_S as f64;
    let (warm, cold, all) = lat.summaries();
    let mem = memory_mb.unwrap_or(0);
    Metrics {
        requests: c.requests,
        served,
        warm_starts: c.warm,
        cold_starts: c.cold,
        cold_start_probability: ratio(c.cold, served),
        throttles: c.throttles,
        rate_throttles: c.rate_throttles,
        rejected: c.rejected,
        async_retries: c.async_retries,
        dropped_async: c.dropped,
        // Requests are counted once, when they first arrive; one that is neither served nor
        // refused is an async event waiting for its next retry at the end.
        pending_async: c.requests.saturating_sub(served + c.rejected + c.dropped),
        timeouts: c.timeouts,
        init_timeouts: c.init_timeouts,
        rejection_probability: ratio(c.rejected + c.dropped, c.requests),
        prewarms: c.prewarms,
        instances_created: c.created,
        instances_ended: c.ended,
        mean_instance_lifespan_s: (c.ended > 0)
            .then(|| c.lifespan_sum_us as f64 / c.ended as f64 / MICROS_PER_S as f64),
        avg_instances: avg(l.area_instances),
        avg_busy_instances: avg(l.area_busy),
        avg_idle_instances: avg(l.area_instances - l.area_busy),
        avg_in_flight: avg(l.area_in_flight),
        max_instances: l.max_instances,
        max_in_flight: l.max_in_flight,
        latency: LatencyReport { warm, cold, all },
        billed_execution_ms: c.billed_exec_ms,
        billed_init_ms: c.billed_init_ms,
        billed_execution_gb_s: gb_s(c.billed_exec_ms, mem),
        billed_execution_on_provisioned_gb_s: gb_s(c.billed_exec_pc_ms, mem),
        billed_init_gb_s: gb_s(c.billed_init_ms, mem),
        idle_instance_s,
        idle_gb_s: idle_instance_s * f64::from(mem) / 1_024.0,
        provisioned_gb_s: l.area_pc_configured as f64 / MICROS_PER_S as f64 * f64::from(mem)
            / 1_024.0,
        provisioned_utilization: ratio_u128(l.area_pc_busy, l.area_pc_instances),
    }
}

/// The seeds of `n` replications: the base seed itself, then seeds derived from it and the replication index.
pub fn replication_seeds(base_seed: u64, n: u32) -> Vec<u64> {
    (0..u64::from(n))
        .map(|i| {
            if i == 0 {
                base_seed
            } else {
                derive_seed(base_seed, i, stream::REPLICATION)
            }
        })
        .collect()
}

/// Runs `n` independent replications (seeds from [`replication_seeds`]) one after another and summarises every
/// headline figure with its mean and 95 % confidence interval. A caller that wants them in parallel can run
/// `Simulation::new(scenario, seed)?.run()` per seed itself and call [`ReplicatedOutput::from_runs`].
pub fn run_replications(
    scenario: &Scenario,
    base_seed: u64,
    n: u32,
) -> Result<ReplicatedOutput, ConfigError> {
    if n == 0 {
        return Err(ConfigError::invalid(
            "replications",
            "must be at least 1",
            "ask for 1 or more replications (at least 2 for a confidence interval)",
        ));
    }
    if n > MAX_REPLICATIONS {
        return Err(ConfigError::invalid(
            "replications",
            format!("{n} is more than the {MAX_REPLICATIONS} a summary runs"),
            "ask for at most 1000 (the 95 % interval narrows with the square root of n: 10 to 100 are usually enough)",
        ));
    }
    // Grown as runs finish, not sized from `n`; the time series are not summarised, so they are dropped.
    let mut runs = Vec::new();
    for seed in replication_seeds(base_seed, n) {
        let mut out = Simulation::new(scenario, seed)?.run();
        out.time_series = Vec::new();
        for f in &mut out.functions {
            f.time_series = Vec::new();
        }
        runs.push(out);
    }
    Ok(ReplicatedOutput::from_runs(&runs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{ArrivalConfig, ReplayEvent};

    const BASE: &str = r#"
duration_s = 800
account = { concurrency_limit = "unlimited" }

[[functions]]
name = "f"
memory_mb = 1024
arrivals = { kind = "poisson", rate_per_s = 0.0 }
warm = { dist = "constant", value_ms = 100.0 }
cold = { model = "init_added", init = { dist = "constant", value_ms = 200.0 } }
keep_alive = { policy = "fixed", idle_timeout_s = 600 }
"#;

    fn base() -> Scenario {
        toml::from_str(BASE).expect("base scenario parses")
    }

    /// Replay arrivals at the given seconds with optional durations (ms).
    fn replay(at_s: &[f64], dur_ms: &[Option<u64>]) -> ArrivalConfig {
        ArrivalConfig::Replay {
            events: at_s
                .iter()
                .enumerate()
                .map(|(i, s)| ReplayEvent {
                    offset_us: (s * 1e6).round() as u64,
                    duration_us: dur_ms.get(i).copied().flatten().map(|ms| ms * 1_000),
                    init_us: None,
                })
                .collect(),
            traffic_scale: 1.0,
            jitter_s: 1.0,
        }
    }

    fn run(s: &Scenario) -> SimOutput {
        Simulation::new(s, 1).expect("valid scenario").run()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn hand_computed_cold_warm_billing_and_lifespans() {
        let mut s = base();
        s.functions[0].arrivals = replay(&[0.0, 1.0, 2.0, 700.0], &[]);
        let out = run(&s);
        let m = &out.functions[0].metrics;
        assert_eq!(
            (m.requests, m.served, m.cold_starts, m.warm_starts),
            (4, 4, 2, 2)
        );
        assert_eq!(m.cold_start_probability, Some(0.5));
        assert_eq!(m.latency.cold.mean_ms, Some(300.0));
        assert_eq!(m.latency.warm.mean_ms, Some(100.0));
        assert_eq!(m.latency.all.count, 4);
        // ceil(100) x 4 = 400 ms execution; 2 x (ceil(200 + 100) - 100) = 400 ms init; 1 GB.
        assert_eq!((m.billed_execution_ms, m.billed_init_ms), (400, 400));
        assert!(close(m.billed_execution_gb_s, 0.4) && close(m.billed_init_gb_s, 0.4));
        // Instance A lives 0 .. 2.1 + 600 s; instance B from 700 s to the end (800 s).
        assert_eq!((m.instances_created, m.instances_ended), (2, 1));
        assert!(close(m.mean_instance_lifespan_s.unwrap_or(0.0), 602.1));
        assert!(close(m.avg_instances, (602.1 + 100.0) / 800.0));
        assert!(close(m.avg_busy_instances, 0.8 / 800.0));
        assert!(close(m.avg_in_flight, 0.8 / 800.0));
        assert!(close(m.idle_instance_s, 702.1 - 0.8));
        assert!(close(m.idle_gb_s, 702.1 - 0.8));
        assert_eq!((m.max_instances, m.max_in_flight), (1, 1));
        assert_eq!(m.provisioned_utilization, None);
        // Totals equal the single function.
        assert_eq!(&out.total, m);
        // Time series: 14 minute buckets.
        let ts = &out.functions[0].time_series;
        assert_eq!(ts.len(), 14);
        assert_eq!(
            (ts[0].arrivals, ts[0].cold_starts, ts[0].max_instances),
            (3, 1, 1)
        );
        assert_eq!((ts[10].arrivals, ts[10].max_instances), (0, 1));
        assert_eq!(
            (ts[11].start_s, ts[11].arrivals, ts[11].cold_starts),
            (660, 1, 1)
        );
        assert_eq!(ts.iter().map(|b| b.arrivals).sum::<u64>(), 4);
        assert_eq!(out.time_series, *ts);

        // The pre-2025-08 rule for ZIP functions on managed runtimes: init is free.
        s.functions[0].bill_init = false;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.billed_execution_ms, m.billed_init_ms), (400, 0));
    }

    #[test]
    fn warmup_is_excluded() {
        let mut s = base();
        s.functions[0].arrivals = replay(&[0.0, 1.0, 2.0, 700.0], &[]);
        s.warmup_s = 1.5;
        s.duration_s = 798.5;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.requests, m.warm_starts, m.cold_starts), (2, 1, 1));
        // Instance A's whole life counts when it ends in the measured period.
        assert!(close(m.mean_instance_lifespan_s.unwrap_or(0.0), 602.1));
        assert!(close(m.avg_instances, (602.1 - 1.5 + 100.0) / 798.5));
        assert_eq!(m.instances_created, 1);
    }

    fn limited(invocation: &str) -> Scenario {
        let mut s = base();
        s.account.concurrency_limit = crate::platform::Limit::Count(1);
        s.account.min_unreserved_concurrency = 0;
        s.functions[0].arrivals = replay(&[0.0, 0.05], &[]);
        s.functions[0].cold = ColdConfig::InitAdded {
            init: crate::rng::dist::DistConfig::Constant { value_ms: 0.0 },
        };
        s.functions[0].invocation = if invocation == "async" {
            InvocationType::Async
        } else {
            InvocationType::Sync
        };
        s
    }

    #[test]
    fn sync_requests_over_the_limit_are_rejected() {
        let m = run(&limited("sync")).functions[0].metrics.clone();
        assert_eq!(
            (m.requests, m.served, m.throttles, m.rejected),
            (2, 1, 1, 1)
        );
        assert_eq!(m.rejection_probability, Some(0.5));
        assert_eq!(m.async_retries, 0);
        // Throttled requests are neither billed nor timed.
        assert_eq!(m.billed_execution_ms, 100);
        assert_eq!(m.latency.all.count, 1);
    }

    #[test]
    fn async_events_are_retried_then_dropped_when_too_old() {
        let m = run(&limited("async")).functions[0].metrics.clone();
        assert_eq!(
            (
                m.requests,
                m.served,
                m.throttles,
                m.rejected,
                m.async_retries
            ),
            (2, 2, 1, 0, 1)
        );
        // Retried 1 s later on the now-idle instance: queueing 1000 ms + 100 ms execution.
        assert_eq!(m.latency.warm.mean_ms, Some(1_100.0));
        assert_eq!(m.rejection_probability, Some(0.0));

        // The first request holds the only slot for 100 s; the second is retried after 1, 2, 4, 8 and 16 s
        // (at 1.05 .. 31.05 s), and the next attempt (63.05 s) would be older than AWS's shortest 60 s age.
        let mut s = limited("async");
        s.functions[0].arrivals = replay(&[0.0, 0.05], &[Some(100_000), None]);
        s.functions[0].async_retry.max_event_age_s = 60.0;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.served, m.dropped_async, m.async_retries), (1, 1, 5));
        assert_eq!(m.rejection_probability, Some(0.5));
        assert_eq!(m.pending_async, 0);

        // A run that ends while the second still waits for a retry (fourth-round simulate
        // review: 44 of 88 events were in no figure): it is pending, not served nor dropped.
        s.duration_s = 10.0;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(
            (m.requests, m.served, m.dropped_async, m.pending_async),
            (2, 1, 0, 1)
        );
    }

    #[test]
    fn a_free_slot_on_a_busy_instance_is_used_before_throttling() {
        // Account limit 3. f (2 requests per instance) has I1 busy until 100 s and I2 idle from 1 s; g holds
        // the other two units of concurrency from 0.5 s and 1.5 s. At 2 s the most recently used instance of
        // f is the idle I2, which the limit forbids, but I1 has a free slot that costs no concurrency.
        for sel in [
            crate::platform::IdleSelection::MostRecentlyUsed,
            crate::platform::IdleSelection::LeastRecentlyUsed,
            crate::platform::IdleSelection::MostRecentlyCreated,
        ] {
            let mut s = base();
            s.account.concurrency_limit = crate::platform::Limit::Count(3);
            s.account.min_unreserved_concurrency = 0;
            s.functions[0].concurrency_per_instance = 2;
            s.functions[0].idle_selection = sel;
            s.functions[0].cold = ColdConfig::InitAdded {
                init: crate::rng::dist::DistConfig::Constant { value_ms: 0.0 },
            };
            s.functions[0].arrivals = replay(
                &[0.0, 0.0, 0.0, 0.0, 2.0],
                &[
                    Some(100_000),
                    Some(1_000),
                    Some(1_000),
                    Some(1_000),
                    Some(100),
                ],
            );
            let mut g = s.functions[0].clone();
            g.name = "g".into();
            g.concurrency_per_instance = 1;
            g.arrivals = replay(&[0.5, 1.5], &[Some(100_000), Some(100_000)]);
            s.functions.push(g);
            let out = run(&s);
            let f = &out.functions[0].metrics;
            assert_eq!(
                (f.served, f.throttles, f.cold_starts, f.warm_starts),
                (5, 0, 2, 3),
                "{sel:?}"
            );
            assert_eq!(out.functions[1].metrics.served, 2);
            // The fifth request ran on I1 next to the 100 s one: I2 stayed idle and was never taken.
            assert_eq!(f.max_instances, 2);
        }
    }

    #[test]
    fn executions_end_at_the_function_timeout() {
        let mut s = base();
        s.functions[0].timeout_s = 30.0;
        s.functions[0].arrivals = replay(&[0.0, 100.0, 200.0], &[Some(45_000), Some(10_000), None]);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.served, m.timeouts), (3, 1));
        // 30 s (cut) + 10 s + 0.1 s executed; the first request had its 200 ms init, and so had the second:
        // the timeout reset the instance, so the request at 100 s re-ran the init on it (a cold start on the
        // same instance). The third one, after a normal end, is warm.
        assert_eq!(m.billed_execution_ms, 40_100);
        assert_eq!(
            (m.cold_starts, m.warm_starts, m.instances_created),
            (2, 1, 1)
        );
        assert_eq!(m.latency.cold.mean_ms, Some((30_200.0 + 10_200.0) / 2.0));
        assert_eq!(m.billed_init_ms, 400);
        // The default is AWS's 900 s maximum: a 1000 s sample ends there.
        let mut s = base();
        s.functions[0].arrivals = replay(&[0.0], &[Some(1_000_000)]);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.timeouts, m.billed_execution_ms), (1, 900_000));
    }

    #[test]
    fn an_init_over_ten_seconds_is_cut_and_run_again_in_the_invocation() {
        let mut s = base();
        s.functions[0].cold = ColdConfig::InitAdded {
            init: crate::rng::dist::DistConfig::Constant { value_ms: 15_000.0 },
        };
        s.functions[0].arrivals = replay(&[0.0, 100.0], &[]);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.cold_starts, m.init_timeouts, m.timeouts), (1, 1, 0));
        // INIT phase 10 s, then 15 s of init again plus 100 ms of handler inside the invocation.
        assert_eq!(m.latency.cold.mean_ms, Some(25_100.0));
        assert_eq!((m.billed_execution_ms, m.billed_init_ms), (15_200, 10_000));
        // Under a 12 s timeout the re-run init does not finish: the invocation times out at 12 s. That resets
        // the instance, so the request at 100 s runs the init again, and times out the same way.
        s.functions[0].timeout_s = 12.0;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(
            (
                m.cold_starts,
                m.init_timeouts,
                m.timeouts,
                m.instances_created
            ),
            (2, 2, 2, 1)
        );
        assert_eq!(m.latency.cold.mean_ms, Some(22_000.0));
    }

    #[test]
    fn provisioned_instances_serve_first_and_spill_over() {
        let mut s = base();
        s.duration_s = 100.0;
        s.functions[0].provisioned.count = 1;
        s.functions[0].arrivals = replay(&[10.0, 20.0, 30.0, 30.0], &[]);
        let m = run(&s).functions[0].metrics.clone();
        // 10 s and 20 s on the provisioned instance; at 30 s one provisioned, one spills over cold.
        assert_eq!((m.served, m.warm_starts, m.cold_starts), (4, 3, 1));
        assert_eq!(m.billed_execution_ms, 400);
        assert!(close(m.billed_execution_on_provisioned_gb_s, 0.3));
        assert!(close(m.provisioned_gb_s, 100.0));
        assert!(close(m.provisioned_utilization.unwrap_or(0.0), 0.3 / 100.0));
        assert_eq!(m.instances_created, 2);
        // Idle time counts on-demand instances only: the spillover instance idles 30.3 .. 100 s.
        assert!(close(m.idle_instance_s, 100.0 - 30.3));
    }

    #[test]
    fn provisioned_schedule_changes_the_configured_count() {
        let mut s = base();
        s.duration_s = 100.0;
        s.functions[0].provisioned = crate::platform::ProvisionedConfig {
            count: 0,
            schedule: vec![
                crate::platform::ProvisionedStep {
                    from_s: 50.0,
                    count: 2,
                },
                crate::platform::ProvisionedStep {
                    from_s: 75.0,
                    count: 1,
                },
            ],
        };
        s.functions[0].arrivals = replay(&[10.0, 60.0], &[]);
        let m = run(&s).functions[0].metrics.clone();
        // 2 x 25 s + 1 x 25 s = 75 instance-seconds of 1 GB.
        assert!(close(m.provisioned_gb_s, 75.0));
        // 10 s: cold on demand; 60 s: provisioned (used first although an on-demand instance is idle).
        assert_eq!((m.cold_starts, m.warm_starts), (1, 1));
        assert!(close(m.billed_execution_on_provisioned_gb_s, 0.1));
        assert_eq!(m.instances_created, 3);
        assert_eq!(m.instances_ended, 1);
    }

    #[test]
    fn per_instance_concurrency_shares_a_starting_instance() {
        let mut s = base();
        s.functions[0].concurrency_per_instance = 2;
        s.functions[0].arrivals = replay(&[0.0, 0.0, 0.0], &[]);
        let m = run(&s).functions[0].metrics.clone();
        // Two requests share the first instance (the second waits for its init), the third needs another.
        assert_eq!((m.cold_starts, m.warm_starts), (2, 1));
        assert_eq!(m.latency.warm.mean_ms, Some(300.0));
        assert_eq!((m.max_instances, m.max_in_flight), (2, 3));
    }

    #[test]
    fn scaling_rate_limit_throttles_bursts() {
        let mut s = base();
        s.functions[0].scaling.new_environments_per_window = crate::platform::Limit::Count(2);
        s.functions[0].arrivals = replay(&[0.0; 5], &[]);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.cold_starts, m.throttles, m.rejected), (2, 3, 3));
    }

    #[test]
    fn reserved_concurrency_caps_one_function_only() {
        let mut s = base();
        s.functions[0].arrivals = replay(&[0.0, 0.0, 0.0], &[]);
        s.functions[0].reserved_concurrency = Some(1);
        let mut g = s.functions[0].clone();
        g.name = "g".into();
        g.reserved_concurrency = None;
        s.functions.push(g);
        s.account.concurrency_limit = crate::platform::Limit::Count(200);
        let out = run(&s);
        let (f, g) = (&out.functions[0].metrics, &out.functions[1].metrics);
        assert_eq!((f.served, f.rejected), (1, 2));
        assert_eq!((g.served, g.rejected), (3, 0));
        assert_eq!(
            (out.total.served, out.total.rejected, out.total.requests),
            (4, 2, 6)
        );
        assert_eq!(out.total.max_in_flight, 4);
        assert_eq!(out.total.max_instances, 4);
    }

    /// Two instances from simultaneous arrivals at 0 with durations `d0`, `d1` (ms), then one arrival at 1 s.
    /// Returns the mean lifespan, which tells which instance served the third request.
    fn lifespan_after_selection(sel: crate::platform::IdleSelection, d0: u64, d1: u64) -> f64 {
        let mut s = base();
        s.duration_s = 1_000.0;
        s.functions[0].idle_selection = sel;
        s.functions[0].cold = ColdConfig::InitAdded {
            init: crate::rng::dist::DistConfig::Constant { value_ms: 0.0 },
        };
        s.functions[0].arrivals = replay(&[0.0, 0.0, 1.0], &[Some(d0), Some(d1), Some(100)]);
        run(&s).functions[0]
            .metrics
            .mean_instance_lifespan_s
            .unwrap_or(f64::NAN)
    }

    #[test]
    fn idle_selection_policies() {
        use crate::platform::IdleSelection::*;
        // Instance 0 released at 0.1 s, instance 1 (newer) at 0.2 s: MRU and MRC pick 1, LRU picks 0.
        // The one picked lives to 1.1 + 600 s, the other to its release + 600 s.
        assert!(close(
            lifespan_after_selection(MostRecentlyUsed, 100, 200),
            (601.1 + 600.1) / 2.0
        ));
        assert!(close(
            lifespan_after_selection(MostRecentlyCreated, 100, 200),
            (601.1 + 600.1) / 2.0
        ));
        assert!(close(
            lifespan_after_selection(LeastRecentlyUsed, 100, 200),
            (601.1 + 600.2) / 2.0
        ));
        // Instance 0 released last (0.2 s): MRU picks 0, MRC and LRU pick 1.
        assert!(close(
            lifespan_after_selection(MostRecentlyUsed, 200, 100),
            (601.1 + 600.1) / 2.0
        ));
        assert!(close(
            lifespan_after_selection(MostRecentlyCreated, 200, 100),
            (601.1 + 600.2) / 2.0
        ));
        assert!(close(
            lifespan_after_selection(LeastRecentlyUsed, 200, 100),
            (601.1 + 600.2) / 2.0
        ));
    }

    #[test]
    fn hybrid_histogram_prewarms_periodic_functions() {
        let period = 630.0;
        let n = 40;
        let at: Vec<f64> = (0..n).map(|k| k as f64 * period).collect();
        let mut s = base();
        s.duration_s = n as f64 * period;
        s.functions[0].arrivals = replay(&at, &[]);
        let fixed = run(&s).functions[0].metrics.clone();
        // 630 s gaps exceed the 600 s keep-alive: every request is cold.
        assert_eq!(fixed.cold_starts, n);

        s.functions[0].keep_alive =
            crate::policy::KeepAliveConfig::HybridHistogram(Default::default());
        let hybrid = run(&s).functions[0].metrics.clone();
        // Only the first request is cold: the fallback (4 h) keeps the instance until the histogram has 10
        // idle times, then each idle period unloads it and pre-warms it 540 s later until 726 s.
        assert_eq!(hybrid.cold_starts, 1);
        // Pre-warms follow the idle periods after requests 10..=39 (the last one still before the end).
        assert_eq!(hybrid.prewarms, n - 10);
        // Loaded about (726 - 540) s of every 630 s once pre-warming: far less memory than fixed keep-alive.
        assert!(
            hybrid.avg_instances < 0.5 && fixed.avg_instances > 0.9,
            "{} {}",
            hybrid.avg_instances,
            fixed.avg_instances
        );
    }

    #[test]
    fn replications_give_intervals_and_reject_zero() {
        let mut s = base();
        s.duration_s = 200.0;
        s.functions[0].arrivals = ArrivalConfig::Poisson { rate_per_s: 5.0 };
        s.functions[0].warm = crate::rng::dist::DistConfig::Exponential { mean_ms: 100.0 };
        let r = run_replications(&s, 7, 5).expect("valid");
        assert_eq!(r.seeds.len(), 5);
        assert_eq!(r.seeds[0], 7);
        // Seeds are written as strings, exact above 2^53.
        let json = serde_json::to_value(&r).expect("serialises");
        assert_eq!(json["seeds"][0], "7");
        let derived: u64 = json["seeds"][1]
            .as_str()
            .and_then(|t| t.parse().ok())
            .expect("a decimal string");
        assert_eq!(derived, r.seeds[1]);
        let e = run_replications(&s, 7, MAX_REPLICATIONS + 1)
            .unwrap_err()
            .to_string();
        assert!(e.contains("at most 1000"), "{e}");
        let req = r.total_estimate("requests").expect("present");
        assert_eq!(req.n, 5);
        let mean = req.mean.unwrap_or(0.0);
        // 5 / s x 200 s = 1000 expected requests; sd per run 31.6, so the mean of 5 is within 100.
        assert!((mean - 1_000.0).abs() < 100.0, "{mean}");
        let hw = req.ci95_half_width.unwrap_or(0.0);
        assert!(hw > 0.0 && hw < 150.0, "{hw}");
        assert_eq!(r.functions[0].name, "f");
        assert!(run_replications(&s, 7, 0).is_err());
    }

    /// `base()` with the request-rate quota `rate` per second, instant inits and 1 ms executions, arriving at
    /// the given seconds; concurrency and the scaling rate are unlimited, so only the quota can throttle.
    fn rated(rate: crate::platform::Limit, at_s: &[f64]) -> Scenario {
        let mut s = base();
        s.account.request_rate_per_s = Some(rate);
        s.functions[0].cold = ColdConfig::InitAdded {
            init: crate::rng::dist::DistConfig::Constant { value_ms: 0.0 },
        };
        s.functions[0].warm = crate::rng::dist::DistConfig::Constant { value_ms: 1.0 };
        s.functions[0].arrivals = replay(at_s, &[]);
        s.functions[0].scaling.new_environments_per_window = crate::platform::Limit::Unlimited;
        s
    }

    #[test]
    fn requests_over_the_rate_quota_are_throttled_and_below_it_are_not() {
        use crate::platform::Limit;
        // Five in the first second at a quota of 5: all served.
        let m = run(&rated(Limit::Count(5), &[0.0, 0.2, 0.4, 0.6, 0.8])).functions[0]
            .metrics
            .clone();
        assert_eq!(
            (m.served, m.throttles, m.rate_throttles, m.rejected),
            (5, 0, 0, 0)
        );
        // A sixth one within the same second is rejected (sync), and counted as a rate throttle.
        let m = run(&rated(Limit::Count(5), &[0.0, 0.2, 0.4, 0.6, 0.8, 0.9])).functions[0]
            .metrics
            .clone();
        assert_eq!(
            (
                m.requests,
                m.served,
                m.throttles,
                m.rate_throttles,
                m.rejected
            ),
            (6, 5, 1, 1, 1)
        );
        assert_eq!(m.rejection_probability, Some(1.0 / 6.0));
        // The window is (t - 1 s, t]: at exactly 1 s the admission at 0 has left it, 1 µs earlier it has not.
        let m = run(&rated(Limit::Count(1), &[0.0, 1.0, 1.999_999, 3.0])).functions[0]
            .metrics
            .clone();
        assert_eq!((m.served, m.rate_throttles), (3, 1));
        // A sliding window, not fixed seconds: 2 at 0.9 s and 2 at 1.1 s are 4 within 0.2 s, over a quota
        // of 3 (fixed windows [0, 1) and [1, 2) would let all 4 through).
        let m = run(&rated(Limit::Count(3), &[0.9, 0.9, 1.1, 1.1])).functions[0]
            .metrics
            .clone();
        assert_eq!((m.served, m.rate_throttles), (3, 1));
        // Many at the same microsecond: exactly the quota gets through.
        let m = run(&rated(Limit::Count(7), &[5.0; 20])).functions[0]
            .metrics
            .clone();
        assert_eq!((m.served, m.rate_throttles), (7, 13));
        // A steady 100 req/s for 10 s passes a quota of 100 (every 1 s window holds exactly 100) ...
        let at: Vec<f64> = (0..1_000).map(|k| k as f64 * 0.01).collect();
        let m = run(&rated(Limit::Count(100), &at)).functions[0]
            .metrics
            .clone();
        assert_eq!((m.served, m.throttles, m.rate_throttles), (1_000, 0, 0));
        // ... and at a quota of 50 half of each second's requests are throttled.
        let m = run(&rated(Limit::Count(50), &at)).functions[0]
            .metrics
            .clone();
        assert_eq!((m.served, m.rate_throttles), (500, 500));
    }

    #[test]
    fn the_rate_quota_is_derived_from_the_concurrency_limit() {
        use crate::platform::Limit;
        // Concurrency limit 2: 20 requests per second. 25 requests 10 ms apart, 1 ms each (so at most one in
        // flight): 20 served, 5 throttled by the rate, none by concurrency.
        let at: Vec<f64> = (0..25).map(|k| k as f64 * 0.01).collect();
        let mut s = rated(Limit::Count(1), &at);
        s.account.request_rate_per_s = None;
        s.account.concurrency_limit = Limit::Count(2);
        s.account.min_unreserved_concurrency = 0;
        assert_eq!(s.account.request_rate(), Limit::Count(20));
        // A concurrency limit of 0 throttles everything for concurrency, not for the rate.
        let mut zero = s.clone();
        zero.account.concurrency_limit = Limit::Count(0);
        assert_eq!(zero.account.request_rate(), Limit::Unlimited);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(
            (m.served, m.throttles, m.rate_throttles, m.max_in_flight),
            (20, 5, 5, 1)
        );
        // Spread over 2 s they fit.
        let at: Vec<f64> = (0..25).map(|k| k as f64 * 0.08).collect();
        s.functions[0].arrivals = replay(&at, &[]);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.served, m.throttles), (25, 0));
    }

    #[test]
    fn the_rate_quota_comes_before_provisioned_and_concurrency_checks() {
        use crate::platform::Limit;
        // An idle provisioned instance does not help a request over the quota.
        let mut s = rated(Limit::Count(1), &[0.1, 0.2]);
        s.functions[0].provisioned.count = 1;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.served, m.rate_throttles, m.rejected), (1, 1, 1));
        // Concurrency limit 1 with a 10 s request holding it: the next attempt in the same second is a rate
        // throttle (the quota is checked first), a later one a concurrency throttle.
        let mut s = rated(Limit::Count(1), &[0.0, 0.5, 2.0]);
        s.account.concurrency_limit = Limit::Count(1);
        s.account.min_unreserved_concurrency = 0;
        s.functions[0].arrivals = replay(&[0.0, 0.5, 2.0], &[Some(10_000), None, None]);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(
            (m.served, m.throttles, m.rate_throttles, m.rejected),
            (1, 2, 1, 2)
        );
        // Multiple functions share the account's quota.
        let mut s = rated(Limit::Count(2), &[0.0, 0.1]);
        let mut g = s.functions[0].clone();
        g.name = "g".into();
        g.arrivals = replay(&[0.2, 0.3], &[]);
        s.functions.push(g);
        let out = run(&s);
        assert_eq!(
            (
                out.functions[0].metrics.rate_throttles,
                out.functions[1].metrics.rate_throttles,
                out.total.rate_throttles,
                out.total.throttles
            ),
            (0, 2, 2, 2)
        );
    }

    #[test]
    fn async_attempts_over_the_rate_quota_are_retried_and_retries_count_against_it() {
        use crate::platform::Limit;
        // Quota 1/s. 0 s: served. 0.5 s: over the quota, retried 1 s later at 1.5 s; the arrival at 1.5 s
        // was scheduled first and takes that second's quota, so the retry is throttled again and retried
        // 2 s later at 3.5 s, where it is served. Retries are attempts like any other.
        let mut s = rated(Limit::Count(1), &[0.0, 0.5, 1.5]);
        s.functions[0].invocation = InvocationType::Async;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(
            (
                m.requests,
                m.served,
                m.throttles,
                m.rate_throttles,
                m.async_retries,
                m.dropped_async
            ),
            (3, 3, 2, 2, 2, 0)
        );
        // Queueing 3 s + 1 ms execution for the retried event, 1 ms for the others: (3001 + 1 + 1) / 3 ms.
        assert_eq!(m.latency.all.mean_ms, Some(1_001.0));
        // Events over the quota for longer than the maximum event age are dropped: 100 events at 0 s at a
        // quota of 1/s with a 60 s maximum age. Each second admits one attempt.
        let mut s = rated(Limit::Count(1), &[0.0; 100]);
        s.functions[0].invocation = InvocationType::Async;
        s.functions[0].async_retry.max_event_age_s = 60.0;
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(m.requests, 100);
        assert!(m.dropped_async > 0 && m.served < 100, "{m:?}");
        assert_eq!(m.served + m.dropped_async, 100);
        assert_eq!(m.throttles, m.rate_throttles);
        assert_eq!(m.throttles, m.async_retries + m.dropped_async);
    }

    #[test]
    fn an_unlimited_rate_quota_never_throttles() {
        use crate::platform::Limit;
        // Explicitly unlimited, with a finite concurrency limit.
        let mut s = rated(Limit::Unlimited, &[3.0; 5_000]);
        s.account.concurrency_limit = Limit::Count(10_000);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.served, m.throttles, m.rate_throttles), (5_000, 0, 0));
        // Derived from an unlimited concurrency limit.
        let mut s = rated(Limit::Unlimited, &[3.0; 50_000]);
        s.account.request_rate_per_s = None;
        assert_eq!(s.account.request_rate(), Limit::Unlimited);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!((m.served, m.throttles, m.rate_throttles), (50_000, 0, 0));
        // A concurrency limit of 1000 (the default) gives 10,000/s: the 10,001st at one instant is refused.
        let mut s = rated(Limit::Unlimited, &[3.0; 10_001]);
        s.account.request_rate_per_s = None;
        s.account.concurrency_limit = Limit::Count(1_000);
        let m = run(&s).functions[0].metrics.clone();
        // The other 9,000 over the first 1,000 are over the concurrency limit.
        assert_eq!((m.served, m.throttles, m.rate_throttles), (1_000, 9_001, 1));
    }

    /// `base()` with a 1 s timeout, 200 ms inits, `n` arrivals 10 s apart (each finds the one instance idle)
    /// and constant executions of `exec_ms`.
    fn one_instance_every_10_s(n: usize, exec_ms: f64) -> Scenario {
        let mut s = base();
        s.functions[0].timeout_s = 1.0;
        s.functions[0].warm = crate::rng::dist::DistConfig::Constant { value_ms: exec_ms };
        let at: Vec<f64> = (0..n).map(|k| k as f64 * 10.0).collect();
        s.functions[0].arrivals = replay(&at, &[]);
        s
    }

    #[test]
    fn a_timeout_resets_the_instance_and_the_next_request_on_it_is_cold() {
        // Every execution (5 s) times out at 1 s: each request after the first re-runs the init on the same
        // instance. 50 requests, 50 cold starts, one instance.
        let s = one_instance_every_10_s(50, 5_000.0);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(
            (m.served, m.timeouts, m.cold_starts, m.warm_starts),
            (50, 50, 50, 0)
        );
        assert_eq!((m.instances_created, m.max_instances), (1, 1));
        // Each: 200 ms init + 1 s until the timeout; init billed by the bill_init rule on every one.
        assert_eq!(m.latency.cold.mean_ms, Some(1_200.0));
        assert_eq!((m.billed_execution_ms, m.billed_init_ms), (50_000, 10_000));
        let ts = &run(&s).functions[0].time_series;
        assert_eq!(ts.iter().map(|b| b.cold_starts).sum::<u64>(), 50);
        let mut free = s.clone();
        free.functions[0].bill_init = false;
        let m = run(&free).functions[0].metrics.clone();
        assert_eq!((m.cold_starts, m.billed_init_ms), (50, 0));
        // The re-init uses no new environment: a scaling rate of 1 per 10,000 s throttles nothing.
        let mut slow = s.clone();
        slow.functions[0].scaling = crate::platform::ScalingConfig {
            new_environments_per_window: crate::platform::Limit::Count(1),
            window_s: 10_000.0,
        };
        let m = run(&slow).functions[0].metrics.clone();
        assert_eq!((m.served, m.throttles, m.cold_starts), (50, 0, 50));
        // Same seed, same result.
        let a = serde_json::to_string(&run(&s)).expect("serialises");
        let b = serde_json::to_string(&run(&s)).expect("serialises");
        assert_eq!(a, b);
    }

    #[test]
    fn without_timeouts_instances_stay_warm() {
        // The same traffic with 100 ms executions: one cold start, then 49 warm requests.
        let m = run(&one_instance_every_10_s(50, 100.0)).functions[0]
            .metrics
            .clone();
        assert_eq!(
            (m.served, m.timeouts, m.cold_starts, m.warm_starts),
            (50, 0, 1, 49)
        );
        assert_eq!((m.instances_created, m.billed_init_ms), (1, 200));
        assert_eq!(m.latency.warm.mean_ms, Some(100.0));
    }

    #[test]
    fn a_reset_applies_to_the_next_request_only_and_to_provisioned_instances() {
        // Timeout 1 s; the request at 0 runs 5 s (times out), the ones at 10 s and 20 s 100 ms each: cold
        // (re-init on the reset instance), then warm again.
        let mut s = one_instance_every_10_s(3, 100.0);
        s.functions[0].arrivals = replay(&[0.0, 10.0, 20.0], &[Some(5_000), None, None]);
        let m = run(&s).functions[0].metrics.clone();
        assert_eq!(
            (
                m.timeouts,
                m.cold_starts,
                m.warm_starts,
                m.instances_created
            ),
            (1, 2, 1, 1)
        );
        assert_eq!(m.latency.cold.mean_ms, Some((1_200.0 + 300.0) / 2.0));
        // A replayed init is used for the re-init as for a new instance.
        let mut r = s.clone();
        if let ArrivalConfig::Replay { events, .. } = &mut r.functions[0].arrivals {
            events[1].init_us = Some(700_000);
        }
        let m = run(&r).functions[0].metrics.clone();
        assert_eq!(m.latency.cold.mean_ms, Some((1_200.0 + 800.0) / 2.0));
        // On a provisioned instance: served warm until the timeout resets it, then one cold start there.
        let mut p = s.clone();
        p.functions[0].provisioned.count = 1;
        let m = run(&p).functions[0].metrics.clone();
        assert_eq!(
            (
                m.timeouts,
                m.cold_starts,
                m.warm_starts,
                m.instances_created
            ),
            (1, 1, 2, 1)
        );
        assert!(close(m.billed_execution_on_provisioned_gb_s, 1.2));
    }

    #[test]
    fn event_size_stays_small() {
        assert!(std::mem::size_of::<Event>() <= 12);
    }
}
