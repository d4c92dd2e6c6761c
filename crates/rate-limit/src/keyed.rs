//! One limit per key (API key, account, IP, key×endpoint) in a sharded in-memory map.

use crate::gcra::Gcra;
use crate::store::{Full, Store};
use crate::{Clock, Decision, Error, LimitReason, Quota, SystemClock};
use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;
use std::time::Duration;

/// The default hard cap on tracked keys.
pub const DEFAULT_MAX_KEYS: usize = 1 << 20;

/// The same quota applied to each key separately.
///
/// # State, eviction and the key cap
/// - Each key is one `AtomicU64` (its GCRA theoretical arrival time) in one of N shards
///   (`RwLock<HashMap<K, AtomicU64>>` with a per-process randomly seeded foldhash, so an
///   attacker cannot aim keys at one shard or one bucket chain). A check of a known key takes
///   a shard read lock and does one compare-and-swap; it never allocates.
/// - A key whose arrival time is in the past has a full bucket: its entry holds nothing
///   worth keeping and is *idle*. Idle entries are dropped automatically: when an insert
///   finds its shard at twice the length it had after its last sweep, the shard drops its
///   idle entries (amortised O(1) per insert, memory bounded by about twice the active keys).
///   [`KeyedLimiter::evict_idle`] sweeps every shard on demand (e.g. from a timer).
/// - **Cap policy.** At most `max_keys` keys are tracked (split evenly across shards). When a
///   new key arrives at a full shard, that shard first drops its idle entries; if it is still
///   full, the new key is **refused** ([`Decision::Limited`] with
///   [`LimitReason::KeyCapacity`] and a `retry_after` equal to the time until the shard's
///   soonest entry becomes idle). Known keys are never evicted while they still owe time,
///   so a flood of new keys can neither grow memory past the cap nor reset the limit of a
///   key that is being limited. The flip side: under a flood that fills the cap, new keys
///   are refused (fail closed) until entries go idle; size the cap for the legitimate
///   population (memory: [`KeyedLimiter::bytes_per_key`]).
///
/// ```
/// use rate_limit::{KeyedLimiter, ManualClock, Quota};
/// let clock = ManualClock::new();
/// let limiter = KeyedLimiter::<String, _>::builder("1/min".parse::<Quota>().unwrap())
///     .clock(clock.clone())
///     .max_keys(10_000)
///     .build()
///     .unwrap();
/// assert!(limiter.check("alice").is_allowed());
/// assert!(!limiter.check("alice").is_allowed());
/// assert!(limiter.check("bob").is_allowed());
/// ```
pub struct KeyedLimiter<K, C: Clock = SystemClock> {
    store: Store<K>,
    gcra: Gcra,
    quota: Quota,
    clock: C,
}

impl<K: Hash + Eq, C: Clock> fmt::Debug for KeyedLimiter<K, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedLimiter")
            .field("quota", &self.quota)
            .field("max_keys", &self.store.max_keys())
            .finish_non_exhaustive()
    }
}

/// Builds a [`KeyedLimiter`].
#[derive(Debug, Clone)]
pub struct KeyedBuilder<K, C> {
    quota: Quota,
    max_keys: usize,
    shards: usize,
    clock: C,
    key: PhantomData<fn(K)>,
}

fn default_shards() -> usize {
    let cpus = std::thread::available_parallelism().map_or(4, usize::from);
    (cpus * 4).clamp(16, 256)
}

impl<K: Hash + Eq, C: Clock> KeyedBuilder<K, C> {
    /// The hard cap on tracked keys (default [`DEFAULT_MAX_KEYS`]).
    pub fn max_keys(mut self, max_keys: usize) -> Self {
        self.max_keys = max_keys;
        self
    }

    /// The number of shards, rounded up to a power of two (default: 4 × CPUs, 16 to 256).
    pub fn shards(mut self, shards: usize) -> Self {
        self.shards = shards;
        self
    }

    /// Another clock (a [`ManualClock`](crate::ManualClock) in tests).
    pub fn clock<C2: Clock>(self, clock: C2) -> KeyedBuilder<K, C2> {
        KeyedBuilder {
            quota: self.quota,
            max_keys: self.max_keys,
            shards: self.shards,
            clock,
            key: PhantomData,
        }
    }

    /// The limiter.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when `max_keys` or `shards` is 0.
    pub fn build(self) -> Result<KeyedLimiter<K, C>, Error> {
        if self.max_keys == 0 {
            return Err(Error::InvalidConfig {
                reason: "max_keys must be at least 1",
            });
        }
        if self.shards == 0 {
            return Err(Error::InvalidConfig {
                reason: "shards must be at least 1",
            });
        }
        let shards = self.shards.min(self.max_keys);
        Ok(KeyedLimiter {
            store: Store::new(shards, self.max_keys),
            gcra: Gcra::new(&self.quota),
            quota: self.quota,
            clock: self.clock,
        })
    }
}

impl<K: Hash + Eq> KeyedLimiter<K, SystemClock> {
    /// A limiter with the default cap and shards on the system clock.
    pub fn new(quota: Quota) -> Self {
        KeyedLimiter {
            store: Store::new(default_shards(), DEFAULT_MAX_KEYS),
            gcra: Gcra::new(&quota),
            quota,
            clock: SystemClock,
        }
    }

    /// A builder for the cap, the shards and the clock.
    pub fn builder(quota: Quota) -> KeyedBuilder<K, SystemClock> {
        KeyedBuilder {
            quota,
            max_keys: DEFAULT_MAX_KEYS,
            shards: default_shards(),
            clock: SystemClock,
            key: PhantomData,
        }
    }
}

fn capacity_refusal(full: &Full) -> Decision {
    let wait = Duration::from_nanos(full.wait.max(1));
    Decision::Limited {
        retry_after: wait,
        remaining: 0,
        reset_after: wait,
        reason: LimitReason::KeyCapacity,
    }
}

impl<K: Hash + Eq, C: Clock> KeyedLimiter<K, C> {
    /// Checks and charges one unit for `key`.
    #[inline]
    pub fn check<Q>(&self, key: &Q) -> Decision
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.charge_inc(key, self.gcra.interval)
    }

    /// Checks and charges `cost` units for `key` (all or nothing).
    ///
    /// # Errors
    /// [`Error::CostExceedsBurst`] when `cost` is above the burst.
    #[inline]
    pub fn check_n<Q>(&self, key: &Q, cost: u32) -> Result<Decision, Error>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let inc = self.gcra.increment(cost)?;
        if inc == 0 {
            return self.peek_n(key, 0);
        }
        Ok(self.charge_inc(key, inc))
    }

    #[inline]
    fn charge_inc<Q>(&self, key: &Q, inc: u64) -> Decision
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let gcra = &self.gcra;
        match self.store.with_cell(key, &self.clock, |cell, now| {
            gcra.check_cell(cell, now, inc)
        }) {
            Ok(d) => d,
            Err(full) => capacity_refusal(&full),
        }
    }

    /// What [`KeyedLimiter::check_n`] would answer, without charging (and without tracking a
    /// new key).
    ///
    /// # Errors
    /// [`Error::CostExceedsBurst`] when `cost` is above the burst.
    pub fn peek_n<Q>(&self, key: &Q, cost: u32) -> Result<Decision, Error>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let inc = self.gcra.increment(cost)?;
        let gcra = &self.gcra;
        let d = self
            .store
            .with_existing(key, &self.clock, |cell, now| {
                gcra.peek(cell.load(std::sync::atomic::Ordering::Acquire), now, inc)
            })
            .unwrap_or_else(|| gcra.peek(0, 0, inc));
        Ok(d)
    }

    /// Hands back `cost` units charged earlier to `key`. The bucket never grows above its
    /// burst; an untracked key has a full bucket already.
    ///
    /// # Errors
    /// [`Error::CostExceedsBurst`] when `cost` is above the burst.
    pub fn refund<Q>(&self, key: &Q, cost: u32) -> Result<(), Error>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let inc = self.gcra.increment(cost)?;
        self.store.with_existing(key, &self.clock, |cell, now| {
            Gcra::refund_cell(cell, now, inc);
        });
        Ok(())
    }

    /// Forgets `key`: its bucket is full again.
    pub fn reset<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.store.remove(key);
    }

    /// Drops every idle key now; returns how many were dropped. Never changes a decision.
    pub fn evict_idle(&self) -> usize {
        self.store.evict_idle(&self.clock)
    }

    /// Keys tracked now (idle ones included until they are swept).
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// `true` when no key is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The hard cap on tracked keys (rounded up to a multiple of the shard count).
    pub fn max_keys(&self) -> usize {
        self.store.max_keys()
    }

    /// Bytes of table per tracked key at the table's maximum load factor (7/8): the key, the
    /// atomic word and one control byte, divided by 7/8. A table just after growing uses up to
    /// twice that; what `K` owns on the heap (a `String`'s text) comes on top.
    pub const fn bytes_per_key() -> usize {
        (Store::<K>::slot_bytes() * 8).div_ceil(7)
    }

    /// Bytes held by the tables now (capacity, not just length; keys' own heap not included).
    pub fn memory_bytes(&self) -> usize {
        self.store.memory_bytes()
    }

    /// The quota.
    pub fn quota(&self) -> &Quota {
        &self.quota
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// This limiter bound to one key, for [`check_all`](crate::check_all).
    pub fn key<'a, Q>(&'a self, key: &'a Q) -> KeyedLimit<'a, K, Q, C>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        KeyedLimit { limiter: self, key }
    }

    pub(crate) fn try_charge<Q>(&self, key: &Q, inc: u64) -> Result<crate::multi::Charge, Decision>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let gcra = &self.gcra;
        match self.store.with_cell(key, &self.clock, |cell, now| {
            crate::multi::try_charge_cell(gcra, cell, now, inc)
        }) {
            Ok(r) => r,
            Err(full) => Err(capacity_refusal(&full)),
        }
    }

    pub(crate) fn undo<Q>(&self, key: &Q, charge: &crate::multi::Charge)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.store.with_existing(key, &self.clock, |cell, now| {
            crate::multi::undo_cell(cell, now, charge);
        });
    }

    pub(crate) fn gcra(&self) -> &Gcra {
        &self.gcra
    }
}

/// A [`KeyedLimiter`] bound to one key: one member of a [`check_all`](crate::check_all).
pub struct KeyedLimit<'a, K, Q: ?Sized, C: Clock = SystemClock> {
    pub(crate) limiter: &'a KeyedLimiter<K, C>,
    pub(crate) key: &'a Q,
}

impl<K, Q: ?Sized, C: Clock> fmt::Debug for KeyedLimit<'_, K, Q, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key is request data: not printed.
        f.debug_struct("KeyedLimit").finish_non_exhaustive()
    }
}
