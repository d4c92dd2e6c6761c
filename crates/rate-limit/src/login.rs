//! A login guard: failures per account and per IP, with lockouts that grow for repeat offenders.

use crate::{Clock, Error, Quota, SystemClock, ip_key};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How many failures a subject (an account or an IP) may have and how it is locked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures allowed, as a quota: with `5/15min` the 5th failure in a row locks the
    /// subject out; failures spread out by 3 minutes or more never do.
    pub failures: Quota,
    /// The first lockout; each further lockout within `forget_after` doubles it.
    pub lockout: Duration,
    /// The longest lockout.
    pub max_lockout: Duration,
    /// A subject whose last lockout ended this long ago starts again from `lockout`.
    pub forget_after: Duration,
}

impl LockoutPolicy {
    /// Accounts: 5 failures per 15 minutes, then 1 min, 2 min, 4 min … up to 1 h, forgotten
    /// after 24 h.
    pub fn accounts() -> Self {
        LockoutPolicy {
            failures: Quota::from_secs_const(5, 900),
            lockout: Duration::from_secs(60),
            max_lockout: Duration::from_secs(3600),
            forget_after: Duration::from_secs(86_400),
        }
    }

    /// IPs (IPv6 by /64): 50 failures per 15 minutes, then 5 min doubling up to 24 h,
    /// forgotten after 24 h.
    pub fn ips() -> Self {
        LockoutPolicy {
            failures: Quota::from_secs_const(50, 900),
            lockout: Duration::from_secs(300),
            max_lockout: Duration::from_secs(86_400),
            forget_after: Duration::from_secs(86_400),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        if self.lockout.is_zero() || self.max_lockout < self.lockout {
            return Err(Error::InvalidConfig {
                reason: "lockout must be positive and at most max_lockout",
            });
        }
        if self.max_lockout > Duration::from_secs(10 * 365 * 86_400)
            || self.forget_after > Duration::from_secs(10 * 365 * 86_400)
        {
            return Err(Error::InvalidConfig {
                reason: "lockouts and forget_after are limited to 10 years",
            });
        }
        Ok(())
    }
}

/// What the guard says about a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum LoginDecision {
    /// Check the credentials.
    Proceed,
    /// Refuse without checking the credentials (answer exactly as for a wrong password, or
    /// 429 with `Retry-After`).
    Locked {
        /// Time left.
        retry_after: Duration,
        /// Which subject is locked.
        scope: LockScope,
    },
}

/// Which subject a lockout is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LockScope {
    /// The account.
    Account,
    /// The client IP (IPv6 by /64).
    Ip,
    /// The guard is at its cap of tracked subjects and cannot track this one: refused (fail
    /// closed) until an entry expires.
    Capacity,
}

#[derive(Debug, Clone, Copy, Default)]
struct Subject {
    tat: u64,
    locked_until: u64,
    level: u32,
}

struct Table<K> {
    shards: Box<[Mutex<HashMap<K, Subject, foldhash::fast::RandomState>>]>,
    hasher: foldhash::fast::RandomState,
    cap_per_shard: usize,
    policy: Policy,
}

#[derive(Debug, Clone, Copy)]
struct Policy {
    interval: u64,
    window: u64,
    lockout: u64,
    max_lockout: u64,
    forget: u64,
}

fn ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

enum Outcome {
    Free,
    Locked(u64),
    Full(u64),
}

impl<K: Hash + Eq> Table<K> {
    fn new(p: &LockoutPolicy, max_keys: usize) -> Self {
        let n = 16usize;
        let hasher = foldhash::fast::RandomState::default();
        Table {
            shards: (0..n)
                .map(|_| Mutex::new(HashMap::with_hasher(hasher.clone())))
                .collect(),
            hasher,
            cap_per_shard: max_keys.div_ceil(n).max(1),
            policy: Policy {
                interval: p.failures.interval_nanos(),
                window: p.failures.window_nanos(),
                lockout: ns(p.lockout),
                max_lockout: ns(p.max_lockout),
                forget: ns(p.forget_after),
            },
        }
    }

    #[allow(clippy::type_complexity)]
    fn shard<Q: Hash + ?Sized>(
        &self,
        key: &Q,
    ) -> Option<MutexGuard<'_, HashMap<K, Subject, foldhash::fast::RandomState>>> {
        // 16 shards: the top four bits of the hash pick one.
        let i = usize::try_from(self.hasher.hash_one(key) >> 60).unwrap_or(0);
        self.shards.get(i).map(lock)
    }

    /// Nothing left to remember: failures replenished, and never locked or the lockout's
    /// escalation window (`forget_after`) over. (`locked_until == 0` is "never locked": it
    /// used to count as a lockout ending at the clock's start, which kept every subject
    /// during the first `forget_after` of the clock.)
    fn idle(&self, s: &Subject, now: u64) -> bool {
        s.tat <= now
            && (s.locked_until == 0 || s.locked_until.saturating_add(self.policy.forget) <= now)
    }

    /// When a subject stops being worth keeping (see [`Table::idle`]).
    fn idle_at(&self, s: &Subject) -> u64 {
        if s.locked_until == 0 {
            s.tat
        } else {
            s.tat.max(s.locked_until.saturating_add(self.policy.forget))
        }
    }

    /// For a subject that is not tracked: when its shard is full, drops the shard's idle
    /// subjects; `Some(wait)` when it is still full (the time until room is expected).
    fn make_room(
        &self,
        map: &mut HashMap<K, Subject, foldhash::fast::RandomState>,
        now: u64,
    ) -> Option<u64> {
        if map.len() < self.cap_per_shard {
            return None;
        }
        let mut soonest = u64::MAX;
        map.retain(|_, s| {
            let keep = !self.idle(s, now);
            if keep {
                soonest = soonest.min(self.idle_at(s));
            }
            keep
        });
        (map.len() >= self.cap_per_shard).then(|| soonest.saturating_sub(now).max(1))
    }

    /// Whether the subject may attempt now: `Free`, `Locked`, or `Full` when it is not
    /// tracked and cannot be (a failure could not be counted, so the attempt is refused).
    fn status<Q>(&self, key: &Q, now: u64) -> Outcome
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let Some(mut map) = self.shard(key) else {
            return Outcome::Full(1);
        };
        if let Some(s) = map.get(key) {
            return if s.locked_until > now {
                Outcome::Locked(s.locked_until - now)
            } else {
                Outcome::Free
            };
        }
        match self.make_room(&mut map, now) {
            Some(wait) => Outcome::Full(wait),
            None => Outcome::Free,
        }
    }

    fn fail<Q>(&self, key: &Q, now: u64) -> Outcome
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let p = self.policy;
        let Some(mut map) = self.shard(key) else {
            return Outcome::Full(1);
        };
        if !map.contains_key(key)
            && let Some(wait) = self.make_room(&mut map, now)
        {
            return Outcome::Full(wait);
        }
        let s = map.entry(key.to_owned()).or_default();
        if s.locked_until > now {
            return Outcome::Locked(s.locked_until - now);
        }
        // Count the failure; the one that uses the last unit of the budget locks.
        let new_tat = s.tat.max(now).saturating_add(p.interval);
        if new_tat - now + p.interval <= p.window {
            s.tat = new_tat;
            return Outcome::Free;
        }
        // Failure budget exhausted: lock out, escalating within the forget window.
        let level = if s.locked_until != 0 && now - s.locked_until <= p.forget {
            s.level.saturating_add(1).min(40)
        } else {
            0
        };
        let length = p
            .lockout
            .saturating_mul(1u64 << level.min(40))
            .min(p.max_lockout);
        s.level = level;
        s.locked_until = now.saturating_add(length);
        s.tat = now;
        Outcome::Locked(length)
    }

    fn clear<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(mut map) = self.shard(key) {
            map.remove(key);
        }
    }

    fn evict_idle(&self, now: u64) -> usize {
        let mut dropped = 0;
        for m in &self.shards {
            let mut map = lock(m);
            let before = map.len();
            map.retain(|_, s| !self.idle(s, now));
            dropped += before - map.len();
        }
        dropped
    }
}

/// Throttles password (or TOTP, or API-secret) guessing: failures are counted per account and
/// per client IP separately, and each subject that exceeds its failure quota is locked out,
/// for longer each time it happens again within `forget_after`.
///
/// Per-account limits stop guessing one account from many IPs; per-IP limits stop one client
/// spraying many accounts. A success clears the account's failures, never the IP's (an
/// attacker with one valid account must not reset the IP counter with it). IPv6 clients are
/// counted by /64 ([`ip_key`]).
///
/// Memory is bounded: at most `max_keys` subjects per table; idle subjects are dropped when a
/// full shard needs room (or by [`LoginGuard::evict_idle`]); if still full, new subjects are
/// refused ([`LockScope::Capacity`], fail closed) by [`LoginGuard::check`] as well as by
/// [`LoginGuard::record_failure`]: an attempt whose failure could not be counted is not
/// allowed.
///
/// ```
/// use rate_limit::{LoginDecision, LoginGuard, LockScope, ManualClock};
/// let clock = ManualClock::new();
/// let guard = LoginGuard::<String, _>::builder().clock(clock.clone()).build().unwrap();
/// let ip = "198.51.100.7".parse().unwrap();
/// for _ in 0..4 {
///     assert_eq!(guard.record_failure("alice", ip), LoginDecision::Proceed);
/// }
/// let locked = guard.record_failure("alice", ip); // the 5th failure in a row locks for 1 min
/// assert!(matches!(locked, LoginDecision::Locked { scope: LockScope::Account, .. }));
/// assert_eq!(guard.check("alice", ip), locked);
/// ```
pub struct LoginGuard<A, C: Clock = SystemClock> {
    accounts: Table<A>,
    ips: Table<IpAddr>,
    clock: C,
}

impl<A: Hash + Eq, C: Clock> fmt::Debug for LoginGuard<A, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginGuard").finish_non_exhaustive()
    }
}

/// Builds a [`LoginGuard`].
#[derive(Debug, Clone)]
pub struct LoginGuardBuilder<A, C> {
    accounts: LockoutPolicy,
    ips: LockoutPolicy,
    max_keys: usize,
    clock: C,
    account: std::marker::PhantomData<fn(A)>,
}

impl<A: Hash + Eq> LoginGuard<A, SystemClock> {
    /// A builder with [`LockoutPolicy::accounts`] and [`LockoutPolicy::ips`].
    pub fn builder() -> LoginGuardBuilder<A, SystemClock> {
        LoginGuardBuilder {
            accounts: LockoutPolicy::accounts(),
            ips: LockoutPolicy::ips(),
            max_keys: crate::DEFAULT_MAX_KEYS,
            clock: SystemClock,
            account: std::marker::PhantomData,
        }
    }
}

impl<A: Hash + Eq, C: Clock> LoginGuardBuilder<A, C> {
    /// The per-account policy.
    pub fn accounts(mut self, p: LockoutPolicy) -> Self {
        self.accounts = p;
        self
    }

    /// The per-IP policy.
    pub fn ips(mut self, p: LockoutPolicy) -> Self {
        self.ips = p;
        self
    }

    /// The cap on tracked accounts, and separately on tracked IPs.
    pub fn max_keys(mut self, n: usize) -> Self {
        self.max_keys = n;
        self
    }

    /// Another clock.
    pub fn clock<C2: Clock>(self, clock: C2) -> LoginGuardBuilder<A, C2> {
        LoginGuardBuilder {
            accounts: self.accounts,
            ips: self.ips,
            max_keys: self.max_keys,
            clock,
            account: std::marker::PhantomData,
        }
    }

    /// The guard.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an invalid policy or a zero cap.
    pub fn build(self) -> Result<LoginGuard<A, C>, Error> {
        self.accounts.validate()?;
        self.ips.validate()?;
        if self.max_keys == 0 {
            return Err(Error::InvalidConfig {
                reason: "max_keys must be at least 1",
            });
        }
        Ok(LoginGuard {
            accounts: Table::new(&self.accounts, self.max_keys),
            ips: Table::new(&self.ips, self.max_keys),
            clock: self.clock,
        })
    }
}

/// The longer of the two refusals (the account's on a tie), or `Proceed`.
fn decide(account: &Outcome, ip: &Outcome) -> LoginDecision {
    let pick = |o: &Outcome, scope| match *o {
        Outcome::Free => None,
        Outcome::Locked(w) => Some((w, scope)),
        Outcome::Full(w) => Some((w, LockScope::Capacity)),
    };
    match (pick(account, LockScope::Account), pick(ip, LockScope::Ip)) {
        (Some(x), Some(y)) => {
            let (w, s) = if y.0 > x.0 { y } else { x };
            locked(w, s)
        }
        (Some((w, s)), None) | (None, Some((w, s))) => locked(w, s),
        (None, None) => LoginDecision::Proceed,
    }
}

fn locked(wait: u64, scope: LockScope) -> LoginDecision {
    LoginDecision::Locked {
        retry_after: Duration::from_nanos(wait),
        scope,
    }
}

impl<A: Hash + Eq, C: Clock> LoginGuard<A, C> {
    /// Before checking credentials: is this account or this IP locked out? Creates no state
    /// (it may drop idle subjects of a full shard). A subject the guard could not track,
    /// because its table is full of active subjects, is refused with
    /// [`LockScope::Capacity`]: a failure of that attempt could not be counted.
    pub fn check<Q>(&self, account: &Q, ip: IpAddr) -> LoginDecision
    where
        A: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let now = self.clock.now_nanos();
        let a = self.accounts.status(account, now);
        let i = self.ips.status(&ip_key(ip), now);
        decide(&a, &i)
    }

    /// After a failed attempt: counts it against the account and the IP, and answers whether
    /// the next attempt may proceed.
    pub fn record_failure<Q>(&self, account: &Q, ip: IpAddr) -> LoginDecision
    where
        A: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = A> + ?Sized,
    {
        let now = self.clock.now_nanos();
        let a = self.accounts.fail(account, now);
        let i = self.ips.fail(&ip_key(ip), now);
        decide(&a, &i)
    }

    /// After a successful attempt: clears the account's failures and lockout history. The
    /// IP's are kept.
    pub fn record_success<Q>(&self, account: &Q)
    where
        A: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.accounts.clear(account);
    }

    /// Drops subjects with nothing left to remember; returns how many went.
    pub fn evict_idle(&self) -> usize {
        let now = self.clock.now_nanos();
        self.accounts.evict_idle(now) + self.ips.evict_idle(now)
    }
}
