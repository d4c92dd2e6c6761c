//! Abuse escalation: a key that keeps hitting its limit is suspended for a cooldown.

use crate::store::Store;
use crate::{Clock, Decision, Error, KeyedLimiter, LimitReason, Quota, SystemClock};
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// A penalty box: after sustained limiting, a key (an API key, an IP) is refused outright for
/// a cooldown, however much quota it has regained.
///
/// "Sustained" is itself a GCRA quota on refusals: with a tolerance of `20/min`, a key may be
/// refused 20 times in a burst and then once every 3 s; the refusal after that suspends it.
/// Each suspension is `cooldown`; a key suspended again within `cooldown` of its release gets
/// twice the previous suspension, up to `max_cooldown` (repeat offenders escalate).
///
/// State: one atomic word per key for the refusal count, one for the suspension's end (and
/// its level), both in sharded maps with the same idle eviction and key cap as
/// [`KeyedLimiter`]; a key at the cap is simply not tracked for penalties (its normal limit
/// still applies).
///
/// ```
/// use rate_limit::{KeyedLimiter, ManualClock, PenaltyBox, Quota};
/// use std::time::Duration;
/// let clock = ManualClock::new();
/// let limit = KeyedLimiter::<String, _>::builder("1/s".parse::<Quota>().unwrap())
///     .clock(clock.clone()).build().unwrap();
/// let jail = PenaltyBox::<String, _>::builder("3/min".parse::<Quota>().unwrap(), Duration::from_secs(600))
///     .clock(clock.clone()).build().unwrap();
/// let mut last = None;
/// for _ in 0..6 {
///     last = Some(jail.guard("mallory", || limit.check("mallory")));
/// }
/// assert_eq!(last.unwrap().retry_after(), Duration::from_secs(600));
/// clock.advance(Duration::from_secs(10));
/// assert!(!jail.guard("mallory", || limit.check("mallory")).is_allowed()); // still suspended
/// ```
pub struct PenaltyBox<K, C: Clock = SystemClock> {
    refusals: KeyedLimiter<K, C>,
    /// Per key: the suspension's end in clock nanoseconds, shifted left by 6, or'ed with the
    /// escalation level (0..63). Idle (evictable) once `end + cooldown << level` has passed.
    jail: Store<K>,
    cooldown: u64,
    max_cooldown: u64,
}

impl<K: Hash + Eq, C: Clock> fmt::Debug for PenaltyBox<K, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PenaltyBox")
            .field("tolerance", self.refusals.quota())
            .field("cooldown_ns", &self.cooldown)
            .finish_non_exhaustive()
    }
}

/// Builds a [`PenaltyBox`].
#[derive(Debug, Clone)]
pub struct PenaltyBuilder<K, C> {
    inner: crate::KeyedBuilder<K, C>,
    cooldown: Duration,
    max_cooldown: Duration,
    max_keys: usize,
}

impl<K: Hash + Eq> PenaltyBox<K, SystemClock> {
    /// A builder: `tolerance` is the quota of refusals a key may collect before it is
    /// suspended for `cooldown`.
    pub fn builder(tolerance: Quota, cooldown: Duration) -> PenaltyBuilder<K, SystemClock> {
        PenaltyBuilder {
            inner: KeyedLimiter::builder(tolerance),
            cooldown,
            max_cooldown: cooldown.saturating_mul(16),
            max_keys: crate::DEFAULT_MAX_KEYS,
        }
    }
}

impl<K: Hash + Eq, C: Clock> PenaltyBuilder<K, C> {
    /// The longest suspension repeat offenders reach (default 16 × cooldown).
    pub fn max_cooldown(mut self, max: Duration) -> Self {
        self.max_cooldown = max;
        self
    }

    /// The hard cap on tracked keys.
    pub fn max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys;
        self.inner = self.inner.max_keys(max_keys);
        self
    }

    /// Another clock; it must be the clock (or a clone of the clock) of the limits it guards.
    pub fn clock<C2: Clock>(self, clock: C2) -> PenaltyBuilder<K, C2> {
        PenaltyBuilder {
            inner: self.inner.clock(clock),
            cooldown: self.cooldown,
            max_cooldown: self.max_cooldown,
            max_keys: self.max_keys,
        }
    }

    /// The penalty box.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a zero cooldown, a maximum below the cooldown, a cooldown
    /// beyond 10 years, or a zero key cap.
    pub fn build(self) -> Result<PenaltyBox<K, C>, Error> {
        let ns = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let (cooldown, max_cooldown) = (ns(self.cooldown), ns(self.max_cooldown));
        if cooldown == 0 {
            return Err(Error::InvalidConfig {
                reason: "the cooldown must be longer than zero",
            });
        }
        if max_cooldown < cooldown || max_cooldown > 10 * 365 * 86_400 * 1_000_000_000 {
            return Err(Error::InvalidConfig {
                reason: "max_cooldown must be between the cooldown and 10 years",
            });
        }
        let refusals = self.inner.build()?;
        Ok(PenaltyBox {
            jail: Store::with_idle(16, self.max_keys, 0, cooldown),
            refusals,
            cooldown,
            max_cooldown,
        })
    }
}

/// A jail word is `end | level`: the suspension's end in clock nanoseconds, rounded **up** to
/// a multiple of 64, with the escalation level in the low six bits. Rounding keeps every bit
/// of the end (a shifted encoding would drop the top bits of a clock that counts from the
/// Unix epoch, or of an end more than about nine years away, and end a suspension at once).
const LEVEL_MASK: u64 = (1 << 6) - 1;

/// The stored form of a suspension end: rounded up to the level granularity (saturating).
const fn end_word(end: u64) -> u64 {
    end.saturating_add(LEVEL_MASK) & !LEVEL_MASK
}

impl<K: Hash + Eq, C: Clock> PenaltyBox<K, C> {
    fn suspension(&self, level: u64) -> u64 {
        self.cooldown
            .saturating_mul(
                1u64.checked_shl(u32::try_from(level).unwrap_or(63))
                    .unwrap_or(u64::MAX),
            )
            .min(self.max_cooldown)
    }

    /// The time `key` remains suspended, if it is.
    pub fn suspended<Q>(&self, key: &Q) -> Option<Duration>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.jail
            .with_existing(key, self.refusals.clock(), |cell, now| {
                let end = cell.load(Ordering::Acquire) & !LEVEL_MASK;
                (end > now).then(|| Duration::from_nanos(end - now))
            })
            .flatten()
    }

    /// Records a decision of the guarded limit for `key`: a quota refusal counts against the
    /// tolerance, and the refusal that exhausts it suspends the key. Returns the decision to
    /// answer with (a [`LimitReason::Penalty`] refusal once suspended).
    pub fn record<Q>(&self, key: &Q, decision: Decision) -> Decision
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if decision.is_allowed() {
            return decision;
        }
        if self.refusals.check(key).is_allowed() {
            return decision;
        }
        // Tolerance exhausted: suspend, escalating if the last suspension ended recently.
        let cooldown = self.cooldown;
        let jailed = self
            .jail
            .with_cell(key, self.refusals.clock(), |cell, now| {
                let mut cur = cell.load(Ordering::Acquire);
                loop {
                    let (end, level) = (cur & !LEVEL_MASK, cur & LEVEL_MASK);
                    if end > now {
                        return end - now; // already suspended
                    }
                    let level = if cur != 0 && now - end <= cooldown {
                        (level + 1).min(LEVEL_MASK)
                    } else {
                        0
                    };
                    let length = self.suspension(level);
                    let new_end = end_word(now.saturating_add(length));
                    let word = new_end | level;
                    match cell.compare_exchange(cur, word, Ordering::AcqRel, Ordering::Acquire) {
                        Ok(_) => return new_end.saturating_sub(now),
                        Err(actual) => cur = actual,
                    }
                }
            });
        match jailed {
            Ok(wait) => {
                // The refusal count starts again after a suspension.
                self.refusals.reset(key);
                Self::penalty(wait)
            }
            Err(_) => decision,
        }
    }

    fn penalty(wait: u64) -> Decision {
        let wait = Duration::from_nanos(wait);
        Decision::Limited {
            retry_after: wait,
            remaining: 0,
            reset_after: wait,
            reason: LimitReason::Penalty,
        }
    }

    /// Answers a suspended key at once; otherwise runs `check` (the guarded limit) and
    /// [`records`](PenaltyBox::record) its decision.
    pub fn guard<Q>(&self, key: &Q, check: impl FnOnce() -> Decision) -> Decision
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(wait) = self.suspended(key) {
            return Decision::Limited {
                retry_after: wait,
                remaining: 0,
                reset_after: wait,
                reason: LimitReason::Penalty,
            };
        }
        let d = check();
        self.record(key, d)
    }

    /// Lifts a suspension and forgets the key's history (an operator's pardon).
    pub fn release<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.jail.remove(key);
        self.refusals.reset(key);
    }

    /// Drops the state of keys with nothing left to remember; returns how many entries went.
    pub fn evict_idle(&self) -> usize {
        // A jail word is kept until its escalation window (end + cooldown) has passed.
        self.refusals.evict_idle() + self.jail.evict_idle(self.refusals.clock())
    }
}
