//! Circuit breakers: closed → (degraded) → open → half-open, per named resource.
//!
//! The breaker never sees the upstream: the host acquires a [`Permit`], makes its call,
//! classifies the result ([`Outcome`]) and reports it through the permit. Which results count as
//! failures is the host's choice (a 429 can count, a 400 usually should be
//! [`Outcome::Ignored`]).
//!
//! # Never stuck half-open
//! While half-open, at most [`BreakerConfigBuilder::half_open_probes`] probes are outstanding.
//! Each probe permit carries a deadline. A probe that is dropped without a result, that reports
//! after its deadline, or that is still outstanding when its deadline passes counts as a failed
//! probe and reopens the breaker; the next admission check notices an expired deadline even if
//! the probe's task is gone. A half-open breaker therefore always leaves half-open.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use crate::Error;
use crate::clock::{SharedClock, SystemClock};
use crate::persist::{BreakerSnapshot, PersistedState, StateStore};

/// What the host observed for a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The upstream worked.
    Success,
    /// The upstream failed in a way that should count against it (5xx, timeout, reset, and a
    /// 429 if the host wants rate limits to open the breaker).
    Failure,
    /// Neither: the result says nothing about the upstream's health (a 400 caused by the
    /// client, a cancelled request). A probe reported as ignored frees its slot.
    Ignored,
}

/// The state a breaker reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Calls flow; failures are below every threshold.
    Closed,
    /// Calls still flow, but failures reached the warning threshold: a signal to prefer
    /// another provider or to alert. Not a barrier.
    Degraded,
    /// Calls are rejected until the open duration has passed.
    Open,
    /// A bounded number of probe calls are admitted to test the upstream.
    HalfOpen,
}

impl State {
    /// A stable lower-case name (`closed`, `degraded`, `open`, `half_open`).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::Degraded => "degraded",
            State::Open => "open",
            State::HalfOpen => "half_open",
        }
    }
}

/// How a success affects the failure count while closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailureCounting {
    /// A success resets the count: the threshold counts consecutive failures (default).
    #[default]
    Consecutive,
    /// A success forgives one failure (OmniRoute's rule): an upstream failing every other call
    /// still trips. Use with care: recovery takes as many successes as there were failures.
    Leaky,
}

/// Validated breaker configuration. Build it with [`BreakerConfig::builder`].
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerConfig {
    failure_threshold: u32,
    degraded_threshold: Option<u32>,
    counting: FailureCounting,
    rate: Option<RateConfig>,
    open_duration: Duration,
    max_open_duration: Duration,
    escalate_after: u32,
    half_open_probes: u32,
    successes_to_close: u32,
    probe_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct RateConfig {
    open_rate: f64,
    degraded_rate: Option<f64>,
    min_calls: u32,
    window: Duration,
    buckets: u32,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            degraded_threshold: Some(3),
            counting: FailureCounting::Consecutive,
            rate: None,
            open_duration: Duration::from_secs(30),
            max_open_duration: Duration::from_secs(600),
            escalate_after: 1,
            half_open_probes: 1,
            successes_to_close: 1,
            probe_timeout: Duration::from_secs(60),
        }
    }
}

impl BreakerConfig {
    /// A builder starting from the defaults: open after 5 consecutive failures, degraded from 3,
    /// open for 30 s, doubling from the second failed probe in a row up to 10 min, one probe
    /// with a 60 s deadline, no failure-rate threshold.
    pub fn builder() -> BreakerConfigBuilder {
        BreakerConfigBuilder {
            cfg: Self::default(),
            rate: None,
            degraded_rate: None,
            buckets: 10,
        }
    }

    /// The open duration after `failed_probes` failed probes in a row:
    /// `open_duration * 2^(failed_probes - escalate_after)` (no growth before
    /// `escalate_after`), capped at `max_open_duration`.
    pub fn open_duration_after(&self, failed_probes: u32) -> Duration {
        let exp = failed_probes.saturating_sub(self.escalate_after);
        crate::backoff_bound(self.open_duration, self.max_open_duration, exp)
    }

    /// The number of probes admitted at once while half-open.
    pub fn half_open_probes(&self) -> u32 {
        self.half_open_probes
    }
}

/// Builder for [`BreakerConfig`]; `build` validates.
#[derive(Debug, Clone)]
pub struct BreakerConfigBuilder {
    cfg: BreakerConfig,
    rate: Option<(f64, u32, Duration)>,
    degraded_rate: Option<f64>,
    buckets: u32,
}

impl BreakerConfigBuilder {
    /// Open after this many failures (consecutive, or net of successes with
    /// [`FailureCounting::Leaky`]). At least 1.
    pub fn failure_threshold(mut self, n: u32) -> Self {
        self.cfg.failure_threshold = n;
        self
    }
    /// Report [`State::Degraded`] from this many failures on; `None` disables the warning
    /// state. Must be below the failure threshold.
    pub fn degraded_threshold(mut self, n: Option<u32>) -> Self {
        self.cfg.degraded_threshold = n;
        self
    }
    /// How successes affect the failure count.
    pub fn counting(mut self, c: FailureCounting) -> Self {
        self.cfg.counting = c;
        self
    }
    /// Also open when the failure rate over the last `window` reaches `rate` (in `(0, 1]`),
    /// once at least `min_calls` calls were recorded in that window.
    pub fn failure_rate(mut self, rate: f64, min_calls: u32, window: Duration) -> Self {
        self.rate = Some((rate, min_calls, window));
        self
    }
    /// Report [`State::Degraded`] from this failure rate on (needs `failure_rate`).
    pub fn degraded_rate(mut self, rate: f64) -> Self {
        self.degraded_rate = Some(rate);
        self
    }
    /// Number of time buckets of the sliding window (default 10; 1..=1000). The window slides
    /// by one bucket at a time.
    pub fn window_buckets(mut self, n: u32) -> Self {
        self.buckets = n;
        self
    }
    /// How long the breaker stays open after tripping (> 0).
    pub fn open_duration(mut self, d: Duration) -> Self {
        self.cfg.open_duration = d;
        self
    }
    /// The cap on the open duration as it grows after failed probes (>= `open_duration`).
    pub fn max_open_duration(mut self, d: Duration) -> Self {
        self.cfg.max_open_duration = d;
        self
    }
    /// The open duration doubles for every failed probe in a row beyond this many (default 1:
    /// the second failed probe in a row doubles it).
    pub fn escalate_after(mut self, n: u32) -> Self {
        self.cfg.escalate_after = n;
        self
    }
    /// Probes admitted at once while half-open (>= 1).
    pub fn half_open_probes(mut self, n: u32) -> Self {
        self.cfg.half_open_probes = n;
        self
    }
    /// Successful probes needed to close (1..=`half_open_probes`).
    pub fn successes_to_close(mut self, n: u32) -> Self {
        self.cfg.successes_to_close = n;
        self
    }
    /// The deadline of a probe (> 0): a probe that has not reported by then counts as failed.
    /// Set it above the longest legitimate call (a streamed completion can take minutes).
    pub fn probe_timeout(mut self, d: Duration) -> Self {
        self.cfg.probe_timeout = d;
        self
    }

    /// Validates and returns the configuration.
    pub fn build(self) -> Result<BreakerConfig, Error> {
        let mut cfg = self.cfg;
        if cfg.failure_threshold == 0 {
            return Err(Error::InvalidConfig("failure_threshold must be at least 1"));
        }
        if cfg
            .degraded_threshold
            .is_some_and(|d| d == 0 || d >= cfg.failure_threshold)
        {
            return Err(Error::InvalidConfig(
                "degraded_threshold must be in 1..failure_threshold",
            ));
        }
        if cfg.open_duration.is_zero() {
            return Err(Error::InvalidConfig("open_duration must be positive"));
        }
        if cfg.max_open_duration < cfg.open_duration {
            return Err(Error::InvalidConfig(
                "max_open_duration must be >= open_duration",
            ));
        }
        if cfg.half_open_probes == 0 {
            return Err(Error::InvalidConfig("half_open_probes must be at least 1"));
        }
        if cfg.successes_to_close == 0 || cfg.successes_to_close > cfg.half_open_probes {
            return Err(Error::InvalidConfig(
                "successes_to_close must be in 1..=half_open_probes",
            ));
        }
        if cfg.probe_timeout.is_zero() {
            return Err(Error::InvalidConfig("probe_timeout must be positive"));
        }
        let valid_rate = |r: f64| r > 0.0 && r <= 1.0;
        match self.rate {
            None if self.degraded_rate.is_some() => {
                return Err(Error::InvalidConfig("degraded_rate needs failure_rate"));
            }
            None => {}
            Some((rate, min_calls, window)) => {
                if !valid_rate(rate) {
                    return Err(Error::InvalidConfig("failure_rate must be in (0, 1]"));
                }
                if self
                    .degraded_rate
                    .is_some_and(|d| !valid_rate(d) || d >= rate)
                {
                    return Err(Error::InvalidConfig(
                        "degraded_rate must be in (0, failure_rate)",
                    ));
                }
                if min_calls == 0 {
                    return Err(Error::InvalidConfig("min_calls must be at least 1"));
                }
                if self.buckets == 0 || self.buckets > 1000 {
                    return Err(Error::InvalidConfig("window_buckets must be in 1..=1000"));
                }
                if window.as_nanos() < u128::from(self.buckets)
                    || window.as_nanos() > u128::from(u64::MAX)
                {
                    return Err(Error::InvalidConfig(
                        "window too short for its buckets or too long",
                    ));
                }
                cfg.rate = Some(RateConfig {
                    open_rate: rate,
                    degraded_rate: self.degraded_rate,
                    min_calls,
                    window,
                    buckets: self.buckets,
                });
            }
        }
        Ok(cfg)
    }
}

/// A time-bucketed sliding window of calls and failures.
#[derive(Debug)]
struct Window {
    width_ns: u64,
    buckets: Vec<Bucket>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    idx: u64,
    calls: u32,
    failures: u32,
}

const EMPTY: Bucket = Bucket {
    idx: u64::MAX,
    calls: 0,
    failures: 0,
};

impl Window {
    fn new(rc: &RateConfig) -> Self {
        let total = u64::try_from(rc.window.as_nanos()).unwrap_or(u64::MAX);
        let width_ns = (total / u64::from(rc.buckets)).max(1);
        Self {
            width_ns,
            buckets: vec![EMPTY; rc.buckets as usize],
        }
    }

    fn n(&self) -> u64 {
        self.buckets.len() as u64
    }

    fn record(&mut self, now: Duration, failed: bool) {
        let idx = nanos(now) / self.width_ns;
        let n = self.n();
        if let Some(b) = self.buckets.get_mut((idx % n) as usize) {
            if b.idx != idx {
                *b = Bucket {
                    idx,
                    calls: 0,
                    failures: 0,
                };
            }
            b.calls = b.calls.saturating_add(1);
            if failed {
                b.failures = b.failures.saturating_add(1);
            }
        }
    }

    fn totals(&self, now: Duration) -> (u64, u64) {
        let idx = nanos(now) / self.width_ns;
        let n = self.n();
        self.buckets
            .iter()
            .filter(|b| b.idx != u64::MAX && b.idx <= idx && idx - b.idx < n)
            .fold((0, 0), |(c, f), b| {
                (c + u64::from(b.calls), f + u64::from(b.failures))
            })
    }

    fn rate(&self, now: Duration, min_calls: u32) -> Option<f64> {
        let (calls, failures) = self.totals(now);
        (calls >= u64::from(min_calls) && calls > 0).then(|| failures as f64 / calls as f64)
    }

    fn reset(&mut self) {
        self.buckets.fill(EMPTY);
    }
}

/// The latest open deadline persisted (about 292 million years): fits a signed 64-bit column.
const MAX_UNTIL_MS: u64 = i64::MAX as u64;

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

enum Step {
    Stable,
    Moved,
    Reopened(BreakerSnapshot),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Closed,
    Open { until: Duration },
    HalfOpen { succeeded: u32 },
}

#[derive(Debug)]
struct Inner {
    phase: Phase,
    epoch: u64,
    failures: u32,
    open_cycles: u32,
    probes: Vec<(u64, Duration)>,
    next_probe: u64,
    window: Option<Window>,
}

#[derive(Debug)]
struct Shared {
    name: String,
    cfg: BreakerConfig,
    clock: SharedClock,
    store: Option<Arc<dyn StateStore>>,
    inner: Mutex<Inner>,
    persist_errors: AtomicU64,
    /// The epoch while closed, `u64::MAX` otherwise: lets a closed breaker admit without the
    /// lock (closed has no time-driven transition).
    closed_epoch: AtomicU64,
    /// Closed, no failure counted and no window: a success changes nothing, so recording it
    /// needs no lock.
    clean: AtomicBool,
}

/// One circuit breaker. Cheap to clone (a shared handle); `Send + Sync`.
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    shared: Arc<Shared>,
}

/// The answer of [`CircuitBreaker::try_acquire`].
#[derive(Debug)]
#[must_use = "a permit must be kept for the duration of the call and given its outcome"]
pub enum Admission {
    /// Make the call, then report its outcome through the permit.
    Admitted(Permit),
    /// Do not call the upstream now.
    Rejected {
        /// [`State::Open`], or [`State::HalfOpen`] when every probe slot is taken.
        state: State,
        /// When asking again may be admitted (0 when unknown).
        retry_after: Duration,
    },
}

impl Admission {
    /// The permit, if admitted.
    pub fn permit(self) -> Option<Permit> {
        match self {
            Admission::Admitted(p) => Some(p),
            Admission::Rejected { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Call,
    Probe(u64),
}

/// Permission for one call. Report its result with [`Permit::record`] (or `success` /
/// `failure` / `ignore`). Dropping a probe permit without a result counts as a failed probe;
/// dropping a closed-state permit counts as [`Outcome::Ignored`] (a cancelled client request
/// says nothing about the upstream).
#[derive(Debug)]
#[must_use = "report the call's outcome through the permit"]
pub struct Permit {
    breaker: CircuitBreaker,
    epoch: u64,
    kind: Kind,
    deadline: Option<Duration>,
    done: bool,
}

impl Permit {
    /// Whether this permit is a half-open probe.
    pub fn is_probe(&self) -> bool {
        matches!(self.kind, Kind::Probe(_))
    }

    /// For a probe, how long until its deadline (use it as the call's timeout); `None` for an
    /// ordinary call.
    pub fn time_left(&self) -> Option<Duration> {
        let now = self.breaker.shared.clock.now();
        self.deadline.map(|d| d.saturating_sub(now))
    }

    /// Reports the call's outcome.
    pub fn record(mut self, outcome: Outcome) {
        self.done = true;
        self.breaker.on_result(self.epoch, self.kind, outcome);
    }

    /// Reports a success.
    pub fn success(self) {
        self.record(Outcome::Success);
    }

    /// Reports a failure.
    pub fn failure(self) {
        self.record(Outcome::Failure);
    }

    /// Reports a result that says nothing about the upstream.
    pub fn ignore(self) {
        self.record(Outcome::Ignored);
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done {
            let outcome = match self.kind {
                Kind::Probe(_) => Outcome::Failure,
                Kind::Call => Outcome::Ignored,
            };
            self.breaker.on_result(self.epoch, self.kind, outcome);
        }
    }
}

/// A point-in-time view of a breaker, for dashboards and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerStatus {
    /// The state at the time of the call.
    pub state: State,
    /// The failure count (consecutive, or net with [`FailureCounting::Leaky`]).
    pub failures: u32,
    /// Failed probes in a row since the breaker last closed.
    pub open_cycles: u32,
    /// The open duration that applies now (it grows with `open_cycles`).
    pub open_duration: Duration,
    /// Time until an admission may succeed (0 when one would be admitted now).
    pub retry_after: Duration,
    /// Whether [`CircuitBreaker::try_acquire`] would admit a call now.
    pub would_admit: bool,
    /// Probes outstanding while half-open.
    pub probes_in_flight: u32,
}

fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    // The state stays consistent under poisoning: every mutation is a few field writes.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl CircuitBreaker {
    /// A standalone breaker on the system clock, without persistence.
    pub fn new(name: &str, cfg: BreakerConfig) -> Result<Self, Error> {
        Self::with_clock(name, cfg, Arc::new(SystemClock))
    }

    /// A standalone breaker on the given clock.
    pub fn with_clock(name: &str, cfg: BreakerConfig, clock: SharedClock) -> Result<Self, Error> {
        Self::build(name, cfg, clock, None, None)
    }

    fn build(
        name: &str,
        cfg: BreakerConfig,
        clock: SharedClock,
        store: Option<Arc<dyn StateStore>>,
        restored: Option<BreakerSnapshot>,
    ) -> Result<Self, Error> {
        if name.is_empty() || name.len() > 256 {
            return Err(Error::InvalidBreakerName);
        }
        let mut inner = Inner {
            phase: Phase::Closed,
            epoch: 0,
            failures: 0,
            open_cycles: 0,
            probes: Vec::with_capacity(cfg.half_open_probes as usize),
            next_probe: 0,
            window: cfg.rate.as_ref().map(Window::new),
        };
        if let Some(s) = restored {
            inner.epoch = s.version;
            inner.failures = s.failures;
            inner.open_cycles = s.open_cycles;
            if let PersistedState::Open { until_unix_ms } = s.state {
                let wall_ms = clock
                    .wall()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_millis();
                // A stored deadline is data from outside this process (a shared file or table, a
                // wall clock that jumped): never stay open longer than this configuration could
                // have asked for, or one bad row keeps a provider cut off for centuries.
                let left = Duration::from_millis(
                    u64::try_from(u128::from(until_unix_ms).saturating_sub(wall_ms))
                        .unwrap_or(u64::MAX),
                )
                .min(cfg.max_open_duration);
                inner.phase = Phase::Open {
                    until: clock.now().saturating_add(left),
                };
            }
        }
        let (closed_epoch, clean) = fast_flags(&inner);
        Ok(Self {
            shared: Arc::new(Shared {
                name: name.to_owned(),
                cfg,
                clock,
                store,
                inner: Mutex::new(inner),
                persist_errors: AtomicU64::new(0),
                closed_epoch: AtomicU64::new(closed_epoch),
                clean: AtomicBool::new(clean),
            }),
        })
    }

    /// The breaker's name.
    pub fn name(&self) -> &str {
        &self.shared.name
    }

    /// The breaker's configuration.
    pub fn config(&self) -> &BreakerConfig {
        &self.shared.cfg
    }

    /// How many state saves failed (the breaker keeps working from memory when the store fails).
    pub fn persist_errors(&self) -> u64 {
        self.shared.persist_errors.load(Ordering::Relaxed)
    }

    /// Asks to make one call. Allocation-free; one mutex acquisition.
    pub fn try_acquire(&self) -> Admission {
        let sh = &*self.shared;
        let epoch = sh.closed_epoch.load(Ordering::Acquire);
        if epoch != u64::MAX {
            return Admission::Admitted(Permit {
                breaker: self.clone(),
                epoch,
                kind: Kind::Call,
                deadline: None,
                done: false,
            });
        }
        let now = sh.clock.now();
        let mut g = lock(&sh.inner);
        let snap = self.refresh(&mut g, now);
        let answer = match g.phase {
            Phase::Closed => Admission::Admitted(Permit {
                breaker: self.clone(),
                epoch: g.epoch,
                kind: Kind::Call,
                deadline: None,
                done: false,
            }),
            Phase::Open { until } => Admission::Rejected {
                state: State::Open,
                retry_after: until.saturating_sub(now),
            },
            Phase::HalfOpen { succeeded } => {
                let used = g.probes.len() as u64 + u64::from(succeeded);
                if used < u64::from(sh.cfg.half_open_probes) {
                    let id = g.next_probe;
                    g.next_probe = g.next_probe.wrapping_add(1);
                    let deadline = now.saturating_add(sh.cfg.probe_timeout);
                    g.probes.push((id, deadline));
                    Admission::Admitted(Permit {
                        breaker: self.clone(),
                        epoch: g.epoch,
                        kind: Kind::Probe(id),
                        deadline: Some(deadline),
                        done: false,
                    })
                } else {
                    let first = g.probes.iter().map(|p| p.1).min().unwrap_or(now);
                    Admission::Rejected {
                        state: State::HalfOpen,
                        retry_after: first.saturating_sub(now),
                    }
                }
            }
        };
        self.publish(&g);
        drop(g);
        self.persist(snap);
        answer
    }

    /// The state now (moves open → half-open when the open duration has passed, and reopens a
    /// half-open breaker whose probe missed its deadline).
    pub fn state(&self) -> State {
        self.status().state
    }

    /// A full view of the breaker now.
    pub fn status(&self) -> BreakerStatus {
        let sh = &*self.shared;
        let now = sh.clock.now();
        let mut g = lock(&sh.inner);
        let snap = self.refresh(&mut g, now);
        let open_duration = sh.cfg.open_duration_after(g.open_cycles);
        let status = match g.phase {
            Phase::Closed => BreakerStatus {
                state: if self.is_degraded(&g, now) {
                    State::Degraded
                } else {
                    State::Closed
                },
                failures: g.failures,
                open_cycles: g.open_cycles,
                open_duration,
                retry_after: Duration::ZERO,
                would_admit: true,
                probes_in_flight: 0,
            },
            Phase::Open { until } => BreakerStatus {
                state: State::Open,
                failures: g.failures,
                open_cycles: g.open_cycles,
                open_duration,
                retry_after: until.saturating_sub(now),
                would_admit: false,
                probes_in_flight: 0,
            },
            Phase::HalfOpen { succeeded } => {
                let outstanding = g.probes.len() as u32;
                let would_admit = outstanding + succeeded < sh.cfg.half_open_probes;
                let first = g.probes.iter().map(|p| p.1).min().unwrap_or(now);
                BreakerStatus {
                    state: State::HalfOpen,
                    failures: g.failures,
                    open_cycles: g.open_cycles,
                    open_duration,
                    retry_after: if would_admit {
                        Duration::ZERO
                    } else {
                        first.saturating_sub(now)
                    },
                    would_admit,
                    probes_in_flight: outstanding,
                }
            }
        };
        self.publish(&g);
        drop(g);
        self.persist(snap);
        status
    }

    /// Forces the breaker closed and forgets its history (an operator's reset).
    pub fn reset(&self) {
        let sh = &*self.shared;
        let mut g = lock(&sh.inner);
        let snap = self.close(&mut g);
        self.publish(&g);
        drop(g);
        self.persist(Some(snap));
    }

    /// Runs `f` under the breaker: rejects without calling when open, otherwise calls and
    /// records `classify(&result)`. The inner result is returned untouched.
    pub fn call<T, E>(
        &self,
        f: impl FnOnce() -> Result<T, E>,
        classify: impl FnOnce(&Result<T, E>) -> Outcome,
    ) -> Result<Result<T, E>, Error> {
        match self.try_acquire() {
            Admission::Admitted(permit) => {
                let result = f();
                permit.record(classify(&result));
                Ok(result)
            }
            Admission::Rejected { .. } => Err(Error::CircuitOpen),
        }
    }

    fn is_degraded(&self, g: &Inner, now: Duration) -> bool {
        let cfg = &self.shared.cfg;
        if cfg.degraded_threshold.is_some_and(|d| g.failures >= d) {
            return true;
        }
        match (&cfg.rate, &g.window) {
            (Some(rc), Some(w)) => rc
                .degraded_rate
                .is_some_and(|d| w.rate(now, rc.min_calls).is_some_and(|r| r >= d)),
            _ => false,
        }
    }

    /// Applies the transitions that time alone causes (possibly half-open → open → half-open
    /// after a long quiet period). Returns a snapshot to persist when the breaker reopened.
    fn refresh(&self, g: &mut Inner, now: Duration) -> Option<BreakerSnapshot> {
        let mut snap = None;
        for _ in 0..3 {
            match self.refresh_once(g, now) {
                Step::Stable => break,
                Step::Moved => {}
                Step::Reopened(s) => snap = Some(s),
            }
        }
        snap
    }

    fn refresh_once(&self, g: &mut Inner, now: Duration) -> Step {
        match g.phase {
            Phase::Open { until } if now >= until => {
                g.phase = Phase::HalfOpen { succeeded: 0 };
                g.epoch = g.epoch.wrapping_add(1);
                g.probes.clear();
                Step::Moved
            }
            Phase::HalfOpen { .. } => {
                match g.probes.iter().map(|p| p.1).filter(|d| *d <= now).min() {
                    Some(expired) => {
                        g.failures = g.failures.saturating_add(1);
                        Step::Reopened(self.reopen(g, expired.min(now)))
                    }
                    None => Step::Stable,
                }
            }
            _ => Step::Stable,
        }
    }

    fn reopen(&self, g: &mut Inner, at: Duration) -> BreakerSnapshot {
        g.open_cycles = g.open_cycles.saturating_add(1);
        self.trip(g, at)
    }

    fn trip(&self, g: &mut Inner, at: Duration) -> BreakerSnapshot {
        let d = self.shared.cfg.open_duration_after(g.open_cycles);
        g.phase = Phase::Open {
            until: at.saturating_add(d),
        };
        g.epoch = g.epoch.wrapping_add(1);
        g.probes.clear();
        if let Some(w) = g.window.as_mut() {
            w.reset();
        }
        self.snapshot(g)
    }

    fn close(&self, g: &mut Inner) -> BreakerSnapshot {
        g.phase = Phase::Closed;
        g.epoch = g.epoch.wrapping_add(1);
        g.failures = 0;
        g.open_cycles = 0;
        g.probes.clear();
        if let Some(w) = g.window.as_mut() {
            w.reset();
        }
        self.snapshot(g)
    }

    fn snapshot(&self, g: &Inner) -> BreakerSnapshot {
        let sh = &*self.shared;
        let state = match g.phase {
            Phase::Closed => PersistedState::Closed,
            Phase::Open { until } => {
                let left = until.saturating_sub(sh.clock.now());
                // `SystemTime + Duration` panics on overflow, and `left` follows the configured
                // (unbounded) open duration: saturate at the far future instead.
                let ms = sh
                    .clock
                    .wall()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .saturating_add(left)
                    .as_millis();
                PersistedState::Open {
                    // At most i64::MAX: SQL integer columns are signed.
                    until_unix_ms: u64::try_from(ms).unwrap_or(u64::MAX).min(MAX_UNTIL_MS),
                }
            }
            // Half-open is never persisted as such: a restart re-enters it through open.
            Phase::HalfOpen { .. } => {
                let ms = sh
                    .clock
                    .wall()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default();
                PersistedState::Open {
                    until_unix_ms: u64::try_from(ms.as_millis()).unwrap_or(u64::MAX),
                }
            }
        };
        BreakerSnapshot {
            name: sh.name.clone(),
            state,
            failures: g.failures,
            open_cycles: g.open_cycles,
            version: g.epoch,
        }
    }

    fn persist(&self, snap: Option<BreakerSnapshot>) {
        if let (Some(store), Some(snap)) = (&self.shared.store, snap)
            && store.save(&snap).is_err()
        {
            let errors = &self.shared.persist_errors;
            errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn publish(&self, g: &Inner) {
        let (closed_epoch, clean) = fast_flags(g);
        self.shared
            .closed_epoch
            .store(closed_epoch, Ordering::Release);
        self.shared.clean.store(clean, Ordering::Release);
    }

    fn on_result(&self, epoch: u64, kind: Kind, outcome: Outcome) {
        let sh = &*self.shared;
        if kind == Kind::Call
            && (outcome == Outcome::Ignored
                || (outcome == Outcome::Success && sh.clean.load(Ordering::Acquire)))
        {
            // Nothing to change: an ignored call, or a success on a clean closed breaker (it
            // takes effect as if it came just before any concurrent failure).
            return;
        }
        let now = sh.clock.now();
        let mut g = lock(&sh.inner);
        let mut snap = self.refresh(&mut g, now);
        if g.epoch == epoch {
            match (g.phase, kind) {
                (Phase::Closed, Kind::Call) => {
                    if let Some(s) = self.on_closed_result(&mut g, now, outcome) {
                        snap = Some(s);
                    }
                }
                (Phase::HalfOpen { succeeded }, Kind::Probe(id)) => {
                    let pos = g.probes.iter().position(|p| p.0 == id);
                    if let Some(pos) = pos {
                        g.probes.swap_remove(pos);
                        match outcome {
                            Outcome::Ignored => {}
                            Outcome::Failure => {
                                g.failures = g.failures.saturating_add(1);
                                snap = Some(self.reopen(&mut g, now));
                            }
                            Outcome::Success => {
                                let succeeded = succeeded.saturating_add(1);
                                if succeeded >= sh.cfg.successes_to_close {
                                    snap = Some(self.close(&mut g));
                                } else {
                                    g.phase = Phase::HalfOpen { succeeded };
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.publish(&g);
        drop(g);
        self.persist(snap);
    }

    fn on_closed_result(
        &self,
        g: &mut Inner,
        now: Duration,
        outcome: Outcome,
    ) -> Option<BreakerSnapshot> {
        let cfg = &self.shared.cfg;
        match outcome {
            Outcome::Ignored => None,
            Outcome::Success => {
                g.failures = match cfg.counting {
                    FailureCounting::Consecutive => 0,
                    FailureCounting::Leaky => g.failures.saturating_sub(1),
                };
                if let Some(w) = g.window.as_mut() {
                    w.record(now, false);
                }
                None
            }
            Outcome::Failure => {
                g.failures = g.failures.saturating_add(1);
                let mut rate_trip = false;
                if let (Some(rc), Some(w)) = (&cfg.rate, g.window.as_mut()) {
                    w.record(now, true);
                    rate_trip = w.rate(now, rc.min_calls).is_some_and(|r| r >= rc.open_rate);
                }
                (rate_trip || g.failures >= cfg.failure_threshold).then(|| self.trip(g, now))
            }
        }
    }
}

fn fast_flags(g: &Inner) -> (u64, bool) {
    match g.phase {
        Phase::Closed => (
            g.epoch.min(u64::MAX - 1),
            g.failures == 0 && g.window.is_none(),
        ),
        _ => (u64::MAX, false),
    }
}

/// Breakers by resource name, created on first use. Cheap to clone; `Send + Sync`.
///
/// Names come from the host's configuration (provider ids), not from requests; the registry
/// still refuses more than `max_breakers` names so a mistake cannot grow it without bound.
#[derive(Debug, Clone)]
pub struct BreakerRegistry {
    inner: Arc<RegistryInner>,
}

#[derive(Debug)]
struct RegistryInner {
    default: BreakerConfig,
    overrides: HashMap<String, BreakerConfig>,
    clock: SharedClock,
    store: Option<Arc<dyn StateStore>>,
    max: usize,
    breakers: RwLock<HashMap<String, CircuitBreaker>>,
}

/// Builder for [`BreakerRegistry`].
#[derive(Debug)]
pub struct BreakerRegistryBuilder {
    default: BreakerConfig,
    overrides: HashMap<String, BreakerConfig>,
    clock: SharedClock,
    store: Option<Arc<dyn StateStore>>,
    max: usize,
}

impl BreakerRegistryBuilder {
    /// The configuration of breakers without an override.
    pub fn default_config(mut self, cfg: BreakerConfig) -> Self {
        self.default = cfg;
        self
    }
    /// A configuration for one name (a provider profile).
    pub fn config_for(mut self, name: &str, cfg: BreakerConfig) -> Self {
        self.overrides.insert(name.to_owned(), cfg);
        self
    }
    /// The clock (system clock by default).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }
    /// Persist transitions to `store` and restore each breaker from it on first use.
    pub fn store(mut self, store: Arc<dyn StateStore>) -> Self {
        self.store = Some(store);
        self
    }
    /// The most names the registry holds (default 10 000).
    pub fn max_breakers(mut self, max: usize) -> Self {
        self.max = max;
        self
    }
    /// Builds the registry.
    pub fn build(self) -> Result<BreakerRegistry, Error> {
        if self.max == 0 {
            return Err(Error::InvalidConfig("max_breakers must be at least 1"));
        }
        Ok(BreakerRegistry {
            inner: Arc::new(RegistryInner {
                default: self.default,
                overrides: self.overrides,
                clock: self.clock,
                store: self.store,
                max: self.max,
                breakers: RwLock::new(HashMap::new()),
            }),
        })
    }
}

impl BreakerRegistry {
    /// A builder: default configuration, system clock, no persistence.
    pub fn builder() -> BreakerRegistryBuilder {
        BreakerRegistryBuilder {
            default: BreakerConfig::default(),
            overrides: HashMap::new(),
            clock: Arc::new(SystemClock),
            store: None,
            max: 10_000,
        }
    }

    /// The breaker for `name`, created (and restored from the store, if any) on first use.
    ///
    /// A store that fails to load leaves the breaker starting closed; the error is returned
    /// only when the name is invalid or the registry is full.
    pub fn get(&self, name: &str) -> Result<CircuitBreaker, Error> {
        let r = &*self.inner;
        if let Some(b) = r
            .breakers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
        {
            return Ok(b.clone());
        }
        if name.is_empty() || name.len() > 256 {
            return Err(Error::InvalidBreakerName);
        }
        let restored = r.store.as_ref().and_then(|s| s.load(name).ok().flatten());
        let mut map = r.breakers.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(b) = map.get(name) {
            return Ok(b.clone());
        }
        if map.len() >= r.max {
            return Err(Error::TooManyBreakers { max: r.max });
        }
        let cfg = r.overrides.get(name).unwrap_or(&r.default).clone();
        let b = CircuitBreaker::build(name, cfg, r.clock.clone(), r.store.clone(), restored)?;
        map.insert(name.to_owned(), b.clone());
        Ok(b)
    }

    /// The names and states of every breaker created so far.
    pub fn states(&self) -> Vec<(String, State)> {
        let map = self
            .inner
            .breakers
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        map.iter().map(|(n, b)| (n.clone(), b.state())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn breaker(cfg: BreakerConfig) -> (CircuitBreaker, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::default());
        (
            CircuitBreaker::with_clock("p", cfg, clock.clone()).unwrap(),
            clock,
        )
    }

    fn fail(b: &CircuitBreaker) {
        b.try_acquire().permit().unwrap().failure();
    }
    fn ok(b: &CircuitBreaker) {
        b.try_acquire().permit().unwrap().success();
    }

    #[test]
    fn closed_degraded_open_halfopen_closed() {
        let (b, clock) = breaker(BreakerConfig::default());
        assert_eq!(b.state(), State::Closed);
        fail(&b);
        fail(&b);
        assert_eq!(b.state(), State::Closed);
        fail(&b);
        assert_eq!(b.state(), State::Degraded);
        ok(&b);
        assert_eq!(
            b.state(),
            State::Closed,
            "consecutive counting resets on success"
        );
        for _ in 0..5 {
            fail(&b);
        }
        assert_eq!(b.state(), State::Open);
        match b.try_acquire() {
            Admission::Rejected { state, retry_after } => {
                assert_eq!(state, State::Open);
                assert_eq!(retry_after, Duration::from_secs(30));
            }
            Admission::Admitted(_) => panic!("open breaker admitted"),
        }
        clock.advance(Duration::from_millis(29_999));
        assert_eq!(b.state(), State::Open);
        clock.advance_ms(1);
        assert_eq!(b.state(), State::HalfOpen);
        let probe = b.try_acquire().permit().unwrap();
        assert!(probe.is_probe());
        assert!(matches!(
            b.try_acquire(),
            Admission::Rejected {
                state: State::HalfOpen,
                ..
            }
        ));
        probe.success();
        assert_eq!(b.state(), State::Closed);
        assert_eq!(b.status().failures, 0);
    }

    #[test]
    fn dropped_probe_counts_as_failure() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        fail(&b);
        clock.advance(Duration::from_secs(30));
        let probe = b.try_acquire().permit().unwrap();
        drop(probe);
        let st = b.status();
        assert_eq!(st.state, State::Open);
        assert_eq!(st.open_cycles, 1);
    }

    #[test]
    fn probe_past_deadline_reopens_without_any_report() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .probe_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        fail(&b);
        clock.advance(Duration::from_secs(30));
        let probe = b.try_acquire().permit().unwrap();
        assert_eq!(probe.time_left(), Some(Duration::from_secs(5)));
        clock.advance(Duration::from_millis(4_999));
        assert_eq!(b.state(), State::HalfOpen);
        clock.advance_ms(1);
        // The probe is still held, never reported: the breaker must not stick.
        let st = b.status();
        assert_eq!(st.state, State::Open);
        assert_eq!(st.open_cycles, 1);
        // Open from the probe's deadline for the (not yet escalated) 30 s.
        assert_eq!(st.retry_after, Duration::from_secs(30));
        // A late success is ignored.
        probe.success();
        assert_eq!(b.state(), State::Open);
    }

    #[test]
    fn late_probe_result_counts_as_failure() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .probe_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        fail(&b);
        clock.advance(Duration::from_secs(30));
        let probe = b.try_acquire().permit().unwrap();
        clock.advance(Duration::from_secs(6));
        probe.success();
        assert_eq!(b.state(), State::Open);
    }

    #[test]
    fn open_duration_escalates_and_caps_and_resets() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .open_duration(Duration::from_secs(10))
            .max_open_duration(Duration::from_secs(35))
            .escalate_after(1)
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        fail(&b);
        assert_eq!(b.status().retry_after, Duration::from_secs(10));
        let mut waited = 10;
        for (cycle, secs) in [(1u32, 10u64), (2, 20), (3, 35), (4, 35)] {
            clock.advance(Duration::from_secs(waited));
            assert_eq!(b.state(), State::HalfOpen);
            b.try_acquire().permit().unwrap().failure();
            let st = b.status();
            assert_eq!(st.open_cycles, cycle);
            assert_eq!(st.retry_after, Duration::from_secs(secs), "cycle {cycle}");
            assert_eq!(st.open_duration, Duration::from_secs(secs));
            waited = secs;
        }
        clock.advance(Duration::from_secs(waited));
        ok(&b);
        let st = b.status();
        assert_eq!(
            (st.state, st.open_cycles, st.open_duration),
            (State::Closed, 0, Duration::from_secs(10))
        );
    }

    #[test]
    fn several_probes_and_successes_to_close() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .half_open_probes(3)
            .successes_to_close(2)
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        fail(&b);
        clock.advance(Duration::from_secs(30));
        let p1 = b.try_acquire().permit().unwrap();
        let p2 = b.try_acquire().permit().unwrap();
        let p3 = b.try_acquire().permit().unwrap();
        assert!(b.try_acquire().permit().is_none());
        p3.ignore(); // frees its slot
        let p4 = b.try_acquire().permit().unwrap();
        p1.success();
        assert_eq!(b.state(), State::HalfOpen);
        assert!(
            b.try_acquire().permit().is_none(),
            "1 success + 2 outstanding fill the 3 slots"
        );
        p2.success();
        assert_eq!(b.state(), State::Closed);
        // p4 belongs to the old half-open period: its failure is ignored.
        p4.failure();
        assert_eq!(b.state(), State::Closed);
    }

    #[test]
    fn failure_rate_trips_with_min_calls() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(100)
            .degraded_threshold(None)
            .failure_rate(0.5, 10, Duration::from_secs(10))
            .degraded_rate(0.25)
            .build()
            .unwrap();
        let (b, _clock) = breaker(cfg);
        // 5 failures out of 9 calls: below min_calls, neither degraded nor open.
        for i in 0..9 {
            if i % 2 == 0 {
                fail(&b);
            } else {
                ok(&b);
            }
        }
        assert_eq!(b.state(), State::Closed);
        fail(&b);
        assert_eq!(b.state(), State::Open, "6/10 >= 0.5");
    }

    #[test]
    fn failure_rate_degraded_then_forgotten() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(100)
            .degraded_threshold(None)
            .failure_rate(0.5, 10, Duration::from_secs(10))
            .degraded_rate(0.25)
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        for i in 0..10 {
            if i < 3 {
                fail(&b);
            } else {
                ok(&b);
            }
        }
        assert_eq!(b.state(), State::Degraded, "3/10 >= 0.25");
        clock.advance(Duration::from_secs(10));
        assert_eq!(b.state(), State::Closed, "the window slid past them");
    }

    #[test]
    fn window_slides() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(100)
            .degraded_threshold(None)
            .failure_rate(0.5, 4, Duration::from_secs(10))
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        fail(&b);
        fail(&b);
        fail(&b);
        clock.advance(Duration::from_secs(10));
        // The three old failures slid out of the window.
        ok(&b);
        ok(&b);
        ok(&b);
        fail(&b);
        assert_eq!(b.state(), State::Closed);
        fail(&b);
        assert_eq!(b.state(), State::Closed, "2/5 < 0.5");
        fail(&b);
        assert_eq!(b.state(), State::Open, "3/6 >= 0.5");
    }

    #[test]
    fn half_open_bound_holds_across_threads() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .half_open_probes(2)
            .successes_to_close(2)
            .build()
            .unwrap();
        let (b, clock) = breaker(cfg);
        fail(&b);
        clock.advance(Duration::from_secs(30));
        let admitted = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..100 {
                        if let Some(p) = b.try_acquire().permit() {
                            admitted.lock().unwrap().push(p);
                        }
                    }
                });
            }
        });
        let permits = admitted.into_inner().unwrap();
        assert_eq!(permits.len(), 2);
        assert!(permits.iter().all(Permit::is_probe));
        for p in permits {
            p.success();
        }
        assert_eq!(b.state(), State::Closed);
    }

    #[test]
    fn concurrent_failures_trip_through_the_fast_path() {
        let (b, _clock) = breaker(BreakerConfig::default());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..50 {
                        if let Some(p) = b.try_acquire().permit() {
                            p.failure();
                        }
                    }
                });
            }
        });
        assert_eq!(b.state(), State::Open);
    }

    #[test]
    fn closed_permit_dropped_is_ignored() {
        let cfg = BreakerConfig::builder()
            .failure_threshold(1)
            .degraded_threshold(None)
            .build()
            .unwrap();
        let (b, _clock) = breaker(cfg);
        drop(b.try_acquire());
        assert_eq!(b.state(), State::Closed);
    }

    #[test]
    fn invalid_configs_are_rejected() {
        let bad = [
            BreakerConfig::builder().failure_threshold(0).build(),
            BreakerConfig::builder().degraded_threshold(Some(5)).build(),
            BreakerConfig::builder()
                .open_duration(Duration::ZERO)
                .build(),
            BreakerConfig::builder()
                .max_open_duration(Duration::from_secs(1))
                .build(),
            BreakerConfig::builder().half_open_probes(0).build(),
            BreakerConfig::builder().successes_to_close(2).build(),
            BreakerConfig::builder()
                .probe_timeout(Duration::ZERO)
                .build(),
            BreakerConfig::builder()
                .failure_rate(1.5, 1, Duration::from_secs(1))
                .build(),
            BreakerConfig::builder()
                .failure_rate(0.5, 0, Duration::from_secs(1))
                .build(),
            BreakerConfig::builder().degraded_rate(0.2).build(),
            BreakerConfig::builder()
                .failure_rate(0.5, 1, Duration::from_secs(1))
                .degraded_rate(0.6)
                .build(),
            BreakerConfig::builder()
                .failure_rate(0.5, 1, Duration::from_secs(1))
                .window_buckets(0)
                .build(),
            BreakerConfig::builder()
                .failure_rate(0.5, 1, Duration::from_nanos(3))
                .build(),
        ];
        for b in bad {
            assert!(matches!(b, Err(Error::InvalidConfig(_))), "{b:?}");
        }
    }

    #[test]
    fn registry_creates_once_and_bounds_names() {
        let reg = BreakerRegistry::builder()
            .config_for(
                "oauth",
                BreakerConfig::builder()
                    .failure_threshold(8)
                    .degraded_threshold(Some(5))
                    .build()
                    .unwrap(),
            )
            .max_breakers(2)
            .build()
            .unwrap();
        let a = reg.get("openai").unwrap();
        for _ in 0..5 {
            fail(&a);
        }
        assert_eq!(reg.get("openai").unwrap().state(), State::Open);
        assert_eq!(reg.get("oauth").unwrap().config().failure_threshold, 8);
        assert_eq!(
            reg.get("third").unwrap_err(),
            Error::TooManyBreakers { max: 2 }
        );
        assert_eq!(reg.get("").unwrap_err(), Error::InvalidBreakerName);
        assert_eq!(reg.states().len(), 2);
    }
}
