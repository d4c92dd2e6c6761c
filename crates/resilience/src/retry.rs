//! Retries: exponential backoff with full jitter, a retry budget, and the upstream's own delay.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::Error;
use crate::backoff_bound;
use crate::breaker::{Admission, CircuitBreaker, Outcome};
use crate::clock::{SharedClock, SystemClock};

/// The jitter source: SplitMix64 over an atomic counter, seeded once from the OS CSPRNG.
///
/// Jitter only spreads retries in time; it is not a secret, so a fast non-cryptographic
/// generator is right here. Seeding from the OS keeps instances from marching in step.
#[derive(Debug)]
pub struct Jitter {
    state: AtomicU64,
}

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl Jitter {
    /// A generator seeded from the OS CSPRNG (`getrandom`).
    pub fn from_os() -> Result<Self, Error> {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).map_err(|_| Error::Entropy)?;
        Ok(Self::seeded(u64::from_le_bytes(seed)))
    }

    /// A generator with a fixed seed: deterministic, for tests only.
    pub fn seeded(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    /// The next 64 random bits (lock-free; safe to share between threads).
    pub fn next_u64(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration drawn uniformly from `0..=bound` (nanosecond resolution).
    pub fn full(&self, bound: Duration) -> Duration {
        let n = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        let span = u128::from(n) + 1;
        let pick = (u128::from(self.next_u64()) * span) >> 64;
        Duration::from_nanos(u64::try_from(pick).unwrap_or(n))
    }
}

/// A retry budget: a token bucket that lets retries be at most a share of requests.
///
/// Every request deposits `ratio` tokens, a retry withdraws one; `min_per_second` tokens
/// trickle in regardless so a quiet service can still retry; the bucket holds at most
/// `max_tokens`. When an upstream is down, retries stop at `ratio` of traffic instead of
/// multiplying it by the attempt count. Share one budget (`Arc`) per upstream.
#[derive(Debug)]
pub struct RetryBudget {
    ratio: f64,
    min_per_second: f64,
    max_tokens: f64,
    clock: SharedClock,
    state: Mutex<(f64, Duration)>,
}

impl RetryBudget {
    /// A budget: `ratio` in `[0, 10]` retries per request, `min_per_second` >= 0, `max_tokens`
    /// >= 1. The bucket starts with one second's trickle (at least one token).
    pub fn new(
        ratio: f64,
        min_per_second: f64,
        max_tokens: f64,
        clock: SharedClock,
    ) -> Result<Self, Error> {
        if !(0.0..=10.0).contains(&ratio) {
            return Err(Error::InvalidConfig(
                "retry budget ratio must be in [0, 10]",
            ));
        }
        if !(0.0..=1e6).contains(&min_per_second) {
            return Err(Error::InvalidConfig(
                "retry budget min_per_second must be in [0, 1e6]",
            ));
        }
        if !(1.0..=1e9).contains(&max_tokens) {
            return Err(Error::InvalidConfig(
                "retry budget max_tokens must be in [1, 1e9]",
            ));
        }
        let now = clock.now();
        let start = min_per_second.clamp(1.0, max_tokens);
        Ok(Self {
            ratio,
            min_per_second,
            max_tokens,
            clock,
            state: Mutex::new((start, now)),
        })
    }

    fn refill(&self, st: &mut (f64, Duration)) {
        let now = self.clock.now();
        let dt = now.saturating_sub(st.1).as_secs_f64();
        st.0 = (st.0 + dt * self.min_per_second).min(self.max_tokens);
        st.1 = now;
    }

    /// Records one request (first attempt): deposits `ratio` tokens.
    pub fn deposit(&self) {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.refill(&mut st);
        st.0 = (st.0 + self.ratio).min(self.max_tokens);
    }

    /// Takes one token for a retry; `false` when the budget is spent.
    pub fn try_withdraw(&self) -> bool {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.refill(&mut st);
        if st.0 >= 1.0 {
            st.0 -= 1.0;
            true
        } else {
            false
        }
    }

    /// Tokens available now.
    pub fn available(&self) -> f64 {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        self.refill(&mut st);
        st.0
    }
}

/// What the host's classifier says about a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Do not retry (a 4xx other than 408/429, a validation error).
    Stop,
    /// Retry after the policy's jittered backoff.
    Retry,
    /// Retry, waiting what the upstream asked for (`Retry-After`, reset headers; see
    /// [`retry_delay`](crate::retry_delay)).
    RetryAfter(Duration),
}

/// Why a retry loop stopped without success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GaveUp {
    /// The classifier said the error is not retryable.
    NotRetryable,
    /// `max_attempts` attempts were made.
    MaxAttempts,
    /// The retry budget was spent.
    BudgetExhausted,
    /// The upstream asked for a longer wait than `max_server_delay`.
    DelayTooLong(Duration),
    /// The next wait would pass the overall deadline.
    DeadlineExceeded,
}

/// The last error of a retry loop that gave up, with why and after how many attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryError<E> {
    /// The last attempt's error.
    pub error: E,
    /// Attempts made (at least 1).
    pub attempts: u32,
    /// Why the loop stopped.
    pub reason: GaveUp,
}

impl<E: fmt::Display> fmt::Display for RetryError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gave up after {} attempt(s) ({:?}): {}",
            self.attempts, self.reason, self.error
        )
    }
}

impl<E: std::error::Error + 'static> std::error::Error for RetryError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// A retry policy. Build with [`RetryPolicy::builder`]; cheap to clone and share.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    base: Duration,
    cap: Duration,
    max_server_delay: Duration,
    deadline: Option<Duration>,
    budget: Option<Arc<RetryBudget>>,
    jitter: Arc<Jitter>,
    clock: SharedClock,
}

/// Builder for [`RetryPolicy`].
#[derive(Debug)]
pub struct RetryPolicyBuilder {
    max_attempts: u32,
    base: Duration,
    cap: Duration,
    max_server_delay: Duration,
    deadline: Option<Duration>,
    budget: Option<Arc<RetryBudget>>,
    jitter: Option<Arc<Jitter>>,
    clock: SharedClock,
}

impl RetryPolicyBuilder {
    /// Total attempts including the first (1..=100; default 3).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }
    /// Backoff base and cap: retry `k` (0-based) waits uniformly in `0..=min(cap, base*2^k)`
    /// (defaults 100 ms and 10 s).
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.base = base;
        self.cap = cap;
        self
    }
    /// The longest upstream-requested wait honoured (default 60 s); longer ones give up with
    /// [`GaveUp::DelayTooLong`] rather than hold a request that long.
    pub fn max_server_delay(mut self, d: Duration) -> Self {
        self.max_server_delay = d;
        self
    }
    /// An overall deadline from the first attempt: no wait that would end past it.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }
    /// A shared retry budget.
    pub fn budget(mut self, b: Arc<RetryBudget>) -> Self {
        self.budget = Some(b);
        self
    }
    /// The jitter source (default: one seeded from the OS).
    pub fn jitter(mut self, j: Arc<Jitter>) -> Self {
        self.jitter = Some(j);
        self
    }
    /// The clock (the sync driver sleeps through it; a manual clock makes tests instant).
    pub fn clock(mut self, c: SharedClock) -> Self {
        self.clock = c;
        self
    }
    /// Validates and builds.
    pub fn build(self) -> Result<RetryPolicy, Error> {
        if self.max_attempts == 0 || self.max_attempts > 100 {
            return Err(Error::InvalidConfig("max_attempts must be in 1..=100"));
        }
        if self.base.is_zero() || self.cap < self.base {
            return Err(Error::InvalidConfig("backoff needs 0 < base <= cap"));
        }
        let jitter = match self.jitter {
            Some(j) => j,
            None => Arc::new(Jitter::from_os()?),
        };
        Ok(RetryPolicy {
            max_attempts: self.max_attempts,
            base: self.base,
            cap: self.cap,
            max_server_delay: self.max_server_delay,
            deadline: self.deadline,
            budget: self.budget,
            jitter,
            clock: self.clock,
        })
    }
}

/// The plan for the next step of a retry loop.
enum Step {
    Wait(Duration),
    Stop(GaveUp),
}

impl RetryPolicy {
    /// A builder with the defaults (3 attempts, 100 ms .. 10 s, 60 s server cap, no budget).
    pub fn builder() -> RetryPolicyBuilder {
        RetryPolicyBuilder {
            max_attempts: 3,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(10),
            max_server_delay: Duration::from_secs(60),
            deadline: None,
            budget: None,
            jitter: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// The jittered backoff before retry `retry` (0-based): uniform in
    /// `0..=backoff_bound(base, cap, retry)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        self.jitter.full(backoff_bound(self.base, self.cap, retry))
    }

    fn plan(&self, attempts: u32, decision: RetryDecision, started: Duration) -> Step {
        let wait = match decision {
            RetryDecision::Stop => return Step::Stop(GaveUp::NotRetryable),
            _ if attempts >= self.max_attempts => return Step::Stop(GaveUp::MaxAttempts),
            RetryDecision::RetryAfter(d) if d > self.max_server_delay => {
                return Step::Stop(GaveUp::DelayTooLong(d));
            }
            // The upstream's word replaces the backoff: it knows when its window reopens.
            RetryDecision::RetryAfter(d) => d,
            RetryDecision::Retry => self.backoff(attempts.saturating_sub(1)),
        };
        if let Some(deadline) = self.deadline {
            let elapsed = self.clock.now().saturating_sub(started);
            if elapsed.saturating_add(wait) > deadline {
                return Step::Stop(GaveUp::DeadlineExceeded);
            }
        }
        if self.budget.as_ref().is_some_and(|b| !b.try_withdraw()) {
            return Step::Stop(GaveUp::BudgetExhausted);
        }
        Step::Wait(wait)
    }

    /// Runs `op` (given the 0-based attempt number) until it succeeds or the policy gives up.
    /// `classify` decides, per error, whether and when to retry. Waits sleep through the
    /// policy's clock (blocking: on an async runtime use `run_async`, feature `tokio`).
    pub fn run<T, E>(
        &self,
        mut op: impl FnMut(u32) -> Result<T, E>,
        mut classify: impl FnMut(&E) -> RetryDecision,
    ) -> Result<T, RetryError<E>> {
        let started = self.clock.now();
        if let Some(b) = &self.budget {
            b.deposit();
        }
        let mut attempts = 0u32;
        loop {
            let result = op(attempts);
            attempts += 1;
            let error = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match self.plan(attempts, classify(&error), started) {
                Step::Wait(d) => self.clock.sleep(d),
                Step::Stop(reason) => {
                    return Err(RetryError {
                        error,
                        attempts,
                        reason,
                    });
                }
            }
        }
    }

    /// The async driver: like [`RetryPolicy::run`], waiting with `tokio::time::sleep`.
    #[cfg(feature = "tokio")]
    pub async fn run_async<T, E, F, Fut>(
        &self,
        mut op: F,
        mut classify: impl FnMut(&E) -> RetryDecision,
    ) -> Result<T, RetryError<E>>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let started = self.clock.now();
        if let Some(b) = &self.budget {
            b.deposit();
        }
        let mut attempts = 0u32;
        loop {
            let result = op(attempts).await;
            attempts += 1;
            let error = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match self.plan(attempts, classify(&error), started) {
                Step::Wait(d) => tokio::time::sleep(d).await,
                Step::Stop(reason) => {
                    return Err(RetryError {
                        error,
                        attempts,
                        reason,
                    });
                }
            }
        }
    }
}

/// How a host judges one attempt made under a breaker: what it means for the upstream's health
/// and whether to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Recorded on the breaker.
    pub outcome: Outcome,
    /// Whether (and when) to retry if the attempt failed.
    pub retry: RetryDecision,
}

/// Why a guarded retry loop ([`RetryPolicy::run_guarded`]) ended without a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardedError<E> {
    /// The breaker refused an attempt; `attempts` were made before (possibly 0), `last` is the
    /// previous attempt's error if there was one.
    Rejected {
        /// When the breaker may admit again.
        retry_after: Duration,
        /// Attempts made before the refusal.
        attempts: u32,
        /// The previous attempt's error, if any.
        last: Option<E>,
    },
    /// Attempts were made and the policy gave up.
    Failed(RetryError<E>),
}

impl<E: fmt::Display> fmt::Display for GuardedError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardedError::Rejected {
                retry_after,
                attempts,
                ..
            } => write!(
                f,
                "circuit open after {attempts} attempt(s); retry in {} ms",
                retry_after.as_millis()
            ),
            GuardedError::Failed(e) => e.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for GuardedError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GuardedError::Rejected { last: Some(e), .. } => Some(e),
            GuardedError::Rejected { .. } => None,
            GuardedError::Failed(e) => Some(e),
        }
    }
}

impl RetryPolicy {
    /// Runs `op` under `breaker` with retries: every attempt takes a permit (a refused attempt
    /// ends the loop with [`GuardedError::Rejected`]: do not retry into an open circuit), and
    /// `judge` decides per result both the breaker outcome and the retry. A success is recorded
    /// as `judge(&Ok(..)).outcome` (normally [`Outcome::Success`]).
    pub fn run_guarded<T, E>(
        &self,
        breaker: &CircuitBreaker,
        mut op: impl FnMut(u32) -> Result<T, E>,
        mut judge: impl FnMut(&Result<T, E>) -> Verdict,
    ) -> Result<T, GuardedError<E>> {
        let started = self.clock.now();
        if let Some(b) = &self.budget {
            b.deposit();
        }
        let mut attempts = 0u32;
        let mut last = None;
        loop {
            let permit = match breaker.try_acquire() {
                Admission::Admitted(p) => p,
                Admission::Rejected { retry_after, .. } => {
                    return Err(GuardedError::Rejected {
                        retry_after,
                        attempts,
                        last,
                    });
                }
            };
            let result = op(attempts);
            attempts += 1;
            let verdict = judge(&result);
            permit.record(verdict.outcome);
            let error = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match self.plan(attempts, verdict.retry, started) {
                Step::Wait(d) => {
                    // Do not wait for a retry the breaker will refuse.
                    let status = breaker.status();
                    if !status.would_admit && status.retry_after > d {
                        let retry_after = status.retry_after;
                        return Err(GuardedError::Rejected {
                            retry_after,
                            attempts,
                            last: Some(error),
                        });
                    }
                    self.clock.sleep(d);
                }
                Step::Stop(reason) => {
                    return Err(GuardedError::Failed(RetryError {
                        error,
                        attempts,
                        reason,
                    }));
                }
            }
            last = Some(error);
        }
    }

    /// The async [`RetryPolicy::run_guarded`] (feature `tokio`). The permit is held across the
    /// attempt's `.await`; if the future is cancelled, a probe permit counts as failed and an
    /// ordinary one as ignored.
    #[cfg(feature = "tokio")]
    pub async fn run_guarded_async<T, E, F, Fut>(
        &self,
        breaker: &CircuitBreaker,
        mut op: F,
        mut judge: impl FnMut(&Result<T, E>) -> Verdict,
    ) -> Result<T, GuardedError<E>>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        let started = self.clock.now();
        if let Some(b) = &self.budget {
            b.deposit();
        }
        let mut attempts = 0u32;
        let mut last = None;
        loop {
            let permit = match breaker.try_acquire() {
                Admission::Admitted(p) => p,
                Admission::Rejected { retry_after, .. } => {
                    return Err(GuardedError::Rejected {
                        retry_after,
                        attempts,
                        last,
                    });
                }
            };
            let result = op(attempts).await;
            attempts += 1;
            let verdict = judge(&result);
            permit.record(verdict.outcome);
            let error = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match self.plan(attempts, verdict.retry, started) {
                Step::Wait(d) => {
                    // Do not wait for a retry the breaker will refuse.
                    let status = breaker.status();
                    if !status.would_admit && status.retry_after > d {
                        let retry_after = status.retry_after;
                        return Err(GuardedError::Rejected {
                            retry_after,
                            attempts,
                            last: Some(error),
                        });
                    }
                    tokio::time::sleep(d).await;
                }
                Step::Stop(reason) => {
                    return Err(GuardedError::Failed(RetryError {
                        error,
                        attempts,
                        reason,
                    }));
                }
            }
            last = Some(error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};

    fn policy(clock: Arc<ManualClock>) -> RetryPolicyBuilder {
        RetryPolicy::builder()
            .clock(clock)
            .jitter(Arc::new(Jitter::seeded(7)))
    }

    #[test]
    fn jitter_stays_in_bounds_and_varies() {
        let j = Jitter::seeded(1);
        let bound = Duration::from_millis(10);
        let draws: Vec<_> = (0..1000).map(|_| j.full(bound)).collect();
        assert!(draws.iter().all(|d| *d <= bound));
        assert!(draws.iter().any(|d| *d < Duration::from_millis(1)));
        assert!(draws.iter().any(|d| *d > Duration::from_millis(9)));
        assert_eq!(j.full(Duration::ZERO), Duration::ZERO);
        assert!(Jitter::from_os().is_ok());
    }

    #[test]
    fn retries_until_success_sleeping_on_the_clock() {
        let clock = Arc::new(ManualClock::default());
        let p = policy(clock.clone()).max_attempts(5).build().unwrap();
        let mut seen = vec![];
        let r: Result<u32, RetryError<&str>> = p.run(
            |n| {
                seen.push(n);
                if n < 2 { Err("503") } else { Ok(n) }
            },
            |_| RetryDecision::Retry,
        );
        assert_eq!(r, Ok(2));
        assert_eq!(seen, vec![0, 1, 2]);
        // Two waits, at most 100 ms + 200 ms.
        assert!(clock.now() <= Duration::from_millis(300));
    }

    #[test]
    fn gives_up_for_each_reason() {
        let clock = Arc::new(ManualClock::default());
        let p = policy(clock.clone()).max_attempts(3).build().unwrap();
        let r = p
            .run(|_| Err::<(), _>("x"), |_| RetryDecision::Retry)
            .unwrap_err();
        assert_eq!((r.attempts, r.reason), (3, GaveUp::MaxAttempts));

        let r = p
            .run(|_| Err::<(), _>("400"), |_| RetryDecision::Stop)
            .unwrap_err();
        assert_eq!((r.attempts, r.reason), (1, GaveUp::NotRetryable));

        let long = Duration::from_secs(61);
        let r = p
            .run(|_| Err::<(), _>("429"), |_| RetryDecision::RetryAfter(long))
            .unwrap_err();
        assert_eq!(r.reason, GaveUp::DelayTooLong(long));

        let p = policy(clock.clone())
            .deadline(Duration::from_secs(5))
            .build()
            .unwrap();
        let r = p
            .run(
                |_| Err::<(), _>("429"),
                |_| RetryDecision::RetryAfter(Duration::from_secs(6)),
            )
            .unwrap_err();
        assert_eq!((r.attempts, r.reason), (1, GaveUp::DeadlineExceeded));
    }

    #[test]
    fn honours_retry_after_exactly() {
        let clock = Arc::new(ManualClock::default());
        let p = policy(clock.clone()).build().unwrap();
        let r = p.run(
            |n| if n == 0 { Err("429") } else { Ok(()) },
            |_| RetryDecision::RetryAfter(Duration::from_secs(7)),
        );
        assert_eq!(r, Ok(()));
        assert_eq!(clock.now(), Duration::from_secs(7));
    }

    #[test]
    fn budget_limits_retries_to_a_share_of_requests() {
        let clock = Arc::new(ManualClock::default());
        let budget = Arc::new(RetryBudget::new(0.1, 0.0, 100.0, clock.clone()).unwrap());
        // Starts with one token.
        assert!((budget.available() - 1.0).abs() < 1e-9);
        let p = policy(clock.clone())
            .max_attempts(10)
            .budget(budget.clone())
            .build()
            .unwrap();
        let mut retries = 0u32;
        for _ in 0..100 {
            let r = p
                .run(|_| Err::<(), _>("503"), |_| RetryDecision::Retry)
                .unwrap_err();
            retries += r.attempts - 1;
            assert!(matches!(r.reason, GaveUp::BudgetExhausted));
        }
        // 1 initial token + 100 requests * 0.1 = 11 retries at most.
        assert!(retries <= 11, "{retries}");
        assert!(retries >= 10, "{retries}");
    }

    #[test]
    fn budget_trickles_back() {
        let clock = Arc::new(ManualClock::default());
        let budget = RetryBudget::new(0.0, 2.0, 5.0, clock.clone()).unwrap();
        assert!(budget.try_withdraw());
        assert!(budget.try_withdraw());
        assert!(!budget.try_withdraw());
        clock.advance_ms(500);
        assert!(budget.try_withdraw());
        clock.advance(Duration::from_secs(100));
        assert!((budget.available() - 5.0).abs() < 1e-9, "capped");
        assert!(RetryBudget::new(-1.0, 0.0, 1.0, clock.clone()).is_err());
        assert!(RetryBudget::new(0.1, 0.0, 0.5, clock).is_err());
    }

    fn verdict(r: &Result<u32, u16>) -> Verdict {
        match r {
            Ok(_) => Verdict {
                outcome: Outcome::Success,
                retry: RetryDecision::Stop,
            },
            Err(429) => Verdict {
                outcome: Outcome::Failure,
                retry: RetryDecision::RetryAfter(Duration::from_secs(1)),
            },
            Err(s) if *s >= 500 => Verdict {
                outcome: Outcome::Failure,
                retry: RetryDecision::Retry,
            },
            Err(_) => Verdict {
                outcome: Outcome::Ignored,
                retry: RetryDecision::Stop,
            },
        }
    }

    #[test]
    fn guarded_retries_record_on_the_breaker_and_stop_at_open() {
        use crate::breaker::{BreakerConfig, State};
        let clock = Arc::new(ManualClock::default());
        let cfg = BreakerConfig::builder()
            .failure_threshold(3)
            .degraded_threshold(None)
            .build()
            .unwrap();
        let breaker = CircuitBreaker::with_clock("p", cfg, clock.clone()).unwrap();
        let p = policy(clock.clone()).max_attempts(10).build().unwrap();
        // Two failures, then success: the breaker saw all three.
        let r = p.run_guarded(&breaker, |n| if n < 2 { Err(503) } else { Ok(n) }, verdict);
        assert_eq!(r, Ok(2));
        assert_eq!(breaker.state(), State::Closed);
        // Always failing: the breaker opens after 3 and the loop stops instead of retrying into it.
        let r = p.run_guarded(&breaker, |_| Err::<u32, u16>(429), verdict);
        match r {
            Err(GuardedError::Rejected {
                attempts,
                last,
                retry_after,
            }) => {
                assert_eq!((attempts, last), (3, Some(429)));
                // Stopped at once: no 1 s wait for a retry the open breaker would refuse.
                assert_eq!(retry_after, Duration::from_secs(30));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(breaker.state(), State::Open);
        let r = p.run_guarded(&breaker, |_| Ok::<u32, u16>(1), verdict);
        assert!(matches!(
            r,
            Err(GuardedError::Rejected {
                attempts: 0,
                last: None,
                ..
            })
        ));
        // A client error is not retried and not counted.
        breaker.reset();
        let r = p.run_guarded(&breaker, |_| Err::<u32, u16>(400), verdict);
        assert!(matches!(
            r,
            Err(GuardedError::Failed(RetryError {
                attempts: 1,
                reason: GaveUp::NotRetryable,
                ..
            }))
        ));
        assert_eq!(breaker.status().failures, 0);
    }

    #[test]
    fn builder_validates() {
        assert!(RetryPolicy::builder().max_attempts(0).build().is_err());
        assert!(
            RetryPolicy::builder()
                .backoff(Duration::ZERO, Duration::from_secs(1))
                .build()
                .is_err()
        );
        assert!(
            RetryPolicy::builder()
                .backoff(Duration::from_secs(2), Duration::from_secs(1))
                .build()
                .is_err()
        );
    }
}
