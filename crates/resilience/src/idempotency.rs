//! An `Idempotency-Key` store with single-flight: the first request runs, duplicates get its
//! stored response, a duplicate that arrives while the first is in flight waits for it.
//!
//! # Security
//! - Scope keys: a key is only unique per client. Put the authenticated caller into the key
//!   (`tenant:key`) **and** into the [`Fingerprint`], or one client could receive another's
//!   stored response by reusing its key.
//! - The fingerprint should cover everything that makes two requests different (caller,
//!   method, path, body): the same key with another fingerprint is
//!   [`Error::IdempotencyConflict`], never the stored response.
//! - Stored responses are held as given; do not store secrets you would not cache.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::Error;
use crate::clock::{SharedClock, SystemClock};

/// The longest key accepted (bytes).
pub const MAX_KEY_LEN: usize = 255;

/// Checks an `Idempotency-Key` value: 1..=255 bytes of visible ASCII (no spaces, no controls).
pub fn validate_key(key: &str) -> Result<(), Error> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidIdempotencyKey);
    }
    Ok(())
}

/// The `Idempotency-Key` of a request, from its headers (name compared case-insensitively).
///
/// Accepts the IETF draft's structured-field string (`"8e03…"`, quotes removed) and the bare
/// token most APIs send. `Ok(None)` when the header is absent; a second `Idempotency-Key`
/// header, an invalid escape or a value that fails [`validate_key`] is
/// [`Error::InvalidIdempotencyKey`]. Only `Idempotency-Key` is read: a request id
/// (`x-request-id`) identifies a request for tracing and is not a de-duplication key.
pub fn idempotency_key<'a, I>(headers: I) -> Result<Option<&'a str>, Error>
where
    I: IntoIterator<Item = (&'a str, &'a [u8])>,
{
    let mut found: Option<&'a str> = None;
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("idempotency-key") {
            continue;
        }
        if found.is_some() {
            return Err(Error::InvalidIdempotencyKey);
        }
        let v = std::str::from_utf8(value).map_err(|_| Error::InvalidIdempotencyKey)?;
        let v = v.trim_matches(|c| c == ' ' || c == '\t');
        let v = match v.strip_prefix('"') {
            Some(inner) => inner
                .strip_suffix('"')
                .ok_or(Error::InvalidIdempotencyKey)?,
            None => v,
        };
        if v.contains(['"', '\\']) {
            return Err(Error::InvalidIdempotencyKey);
        }
        validate_key(v)?;
        found = Some(v);
    }
    Ok(found)
}

/// What identifies a request's content: SHA-256 over length-prefixed parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Hashes `parts` (for instance caller id, method, path, body). Each part is prefixed with
    /// its length, so `["ab", "c"]` and `["a", "bc"]` differ.
    pub fn of(parts: &[&[u8]]) -> Self {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_be_bytes());
            h.update(p);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(&h.finalize());
        Self(out)
    }

    /// A fingerprint from 32 bytes computed elsewhere.
    pub fn from_bytes(b: [u8; 32]) -> Self {
        Self(b)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Store configuration. Build with [`IdempotencyConfig::builder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyConfig {
    ttl: Duration,
    lease: Duration,
    max_entries: usize,
    max_bytes: usize,
}

impl Default for IdempotencyConfig {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(24 * 3600),
            lease: Duration::from_secs(300),
            max_entries: 100_000,
            max_bytes: usize::MAX,
        }
    }
}

impl IdempotencyConfig {
    /// A builder from the defaults: responses kept 24 h, in-flight lease 5 min, 100 000 entries.
    pub fn builder() -> IdempotencyConfigBuilder {
        IdempotencyConfigBuilder {
            cfg: Self::default(),
        }
    }
    /// How long a completed response is replayed.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
    /// How long an in-flight request holds its key.
    pub fn lease(&self) -> Duration {
        self.lease
    }
    /// The byte budget of the stored responses (see [`IdempotencyConfigBuilder::max_bytes`]).
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}

/// Builder for [`IdempotencyConfig`].
#[derive(Debug, Clone)]
pub struct IdempotencyConfigBuilder {
    cfg: IdempotencyConfig,
}

impl IdempotencyConfigBuilder {
    /// How long a completed response is replayed (> 0). A duplicate exactly `ttl` after
    /// completion runs again.
    pub fn ttl(mut self, d: Duration) -> Self {
        self.cfg.ttl = d;
        self
    }
    /// How long an in-flight request holds its key (> 0): a runner that neither completes nor
    /// drops within the lease is treated as abandoned, its waiters are released with
    /// [`Error::Abandoned`] and the next duplicate runs. Set it above the longest request.
    pub fn lease(mut self, d: Duration) -> Self {
        self.cfg.lease = d;
        self
    }
    /// The most entries held (>= 1): expired entries go first, then the oldest completed ones;
    /// when every entry is in flight, `begin` answers [`Error::StoreFull`].
    pub fn max_entries(mut self, n: usize) -> Self {
        self.cfg.max_entries = n;
        self
    }
    /// The budget of stored response bytes (default: unbounded; >= 1). Only the weights given
    /// to [`RunGuard::complete_weighted`] count ([`RunGuard::complete`] weighs 0). Storing a
    /// response evicts the completed entries closest to expiry (the oldest) until it fits; a
    /// response heavier than the whole budget is handed to the waiters but not stored (the
    /// key is freed, so a later duplicate runs again). With `max_entries`, this bounds the
    /// store's memory: entries x (key + fingerprint) + `max_bytes`.
    pub fn max_bytes(mut self, n: usize) -> Self {
        self.cfg.max_bytes = n;
        self
    }
    /// Validates and builds.
    pub fn build(self) -> Result<IdempotencyConfig, Error> {
        if self.cfg.ttl.is_zero() || self.cfg.lease.is_zero() {
            return Err(Error::InvalidConfig("ttl and lease must be positive"));
        }
        if self.cfg.max_entries == 0 {
            return Err(Error::InvalidConfig("max_entries must be at least 1"));
        }
        if self.cfg.max_bytes == 0 {
            return Err(Error::InvalidConfig("max_bytes must be at least 1"));
        }
        Ok(self.cfg)
    }
}

enum SlotState<V> {
    Pending,
    Done(Arc<V>),
    Abandoned,
}

/// Where waiters meet the runner's result.
struct Slot<V> {
    state: Mutex<SlotState<V>>,
    cv: Condvar,
    #[cfg(feature = "tokio")]
    notify: tokio::sync::Notify,
}

impl<V> Slot<V> {
    fn new() -> Self {
        Self {
            state: Mutex::new(SlotState::Pending),
            cv: Condvar::new(),
            #[cfg(feature = "tokio")]
            notify: tokio::sync::Notify::new(),
        }
    }

    fn settle(&self, s: SlotState<V>) {
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(*st, SlotState::Pending) {
            *st = s;
        }
        drop(st);
        self.cv.notify_all();
        #[cfg(feature = "tokio")]
        self.notify.notify_waiters();
    }

    fn poll(&self) -> Option<Result<Arc<V>, Error>> {
        match &*self.state.lock().unwrap_or_else(PoisonError::into_inner) {
            SlotState::Pending => None,
            SlotState::Done(v) => Some(Ok(v.clone())),
            SlotState::Abandoned => Some(Err(Error::Abandoned)),
        }
    }
}

enum Entry<V> {
    InFlight {
        fp: Fingerprint,
        generation: u64,
        lease_end: Duration,
        slot: Arc<Slot<V>>,
    },
    Done {
        fp: Fingerprint,
        generation: u64,
        expires: Duration,
        value: Arc<V>,
        weight: usize,
    },
}

impl<V> Entry<V> {
    fn generation(&self) -> u64 {
        match self {
            Entry::InFlight { generation, .. } | Entry::Done { generation, .. } => *generation,
        }
    }
}

struct Table<V> {
    map: HashMap<Box<str>, Entry<V>>,
    /// (expiry, key, generation) of completed entries, in expiry order (one ttl for all).
    /// Items whose generation no longer matches are stale and skipped.
    queue: VecDeque<(Duration, Box<str>, u64)>,
    /// (lease end, key, generation) of in-flight entries, in lease-end order (one lease for
    /// all). Kept apart from `queue`: ttl and lease differ, so one queue of both would not be
    /// in time order, and a purge stopping at its first live item would leave expired leases
    /// (and their waiters) behind a long-lived response.
    leases: VecDeque<(Duration, Box<str>, u64)>,
    next_generation: u64,
    /// Sum of the weights of the completed entries in `map`.
    bytes: usize,
}

impl<V> Table<V> {
    /// Removes `key`, keeping `bytes` in step.
    fn take(&mut self, key: &str) -> Option<Entry<V>> {
        let entry = self.map.remove(key);
        if let Some(Entry::Done { weight, .. }) = &entry {
            self.bytes = self.bytes.saturating_sub(*weight);
        }
        entry
    }
}

struct Inner<V> {
    cfg: IdempotencyConfig,
    clock: SharedClock,
    table: Mutex<Table<V>>,
}

/// The in-memory idempotency store, generic over the stored response. Cheap to clone (a shared
/// handle); `Send + Sync` when `V` is.
pub struct IdempotencyStore<V> {
    inner: Arc<Inner<V>>,
}

impl<V> Clone for IdempotencyStore<V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<V> std::fmt::Debug for IdempotencyStore<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdempotencyStore")
            .field("cfg", &self.inner.cfg)
            .field("len", &self.len())
            .finish()
    }
}

/// The answer of [`IdempotencyStore::begin`].
#[must_use]
pub enum Begin<V> {
    /// First request for the key: run it and hand the result to the guard.
    Run(RunGuard<V>),
    /// A completed duplicate: return this stored response.
    Replay(Arc<V>),
    /// The first request is still running: wait for its result.
    Wait(Waiter<V>),
}

impl<V> std::fmt::Debug for Begin<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Begin::Run(_) => "Begin::Run",
            Begin::Replay(_) => "Begin::Replay",
            Begin::Wait(_) => "Begin::Wait",
        })
    }
}

/// Held by the request that runs. [`RunGuard::complete`] stores the response and wakes the
/// waiters; dropping the guard without completing (an error you do not want replayed, a
/// cancelled task, a panic) frees the key and releases the waiters with [`Error::Abandoned`].
#[must_use = "complete the guard with the response, or drop it to release the key"]
pub struct RunGuard<V> {
    store: IdempotencyStore<V>,
    key: Box<str>,
    fp: Fingerprint,
    generation: u64,
    slot: Arc<Slot<V>>,
    done: bool,
}

impl<V> std::fmt::Debug for RunGuard<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunGuard")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl<V> RunGuard<V> {
    /// Stores `value` for the window and hands it to every waiter. Weighs 0 against the
    /// store's byte budget: use [`RunGuard::complete_weighted`] when one is set.
    pub fn complete(self, value: V) -> Arc<V> {
        self.complete_weighted(value, 0)
    }

    /// Like [`RunGuard::complete`], `weight` (typically the response's size in bytes) counting
    /// against [`IdempotencyConfigBuilder::max_bytes`]: older completed entries are evicted to
    /// make room, and a value heavier than the whole budget reaches the waiters but is not
    /// stored (its key is freed).
    pub fn complete_weighted(mut self, value: V, weight: usize) -> Arc<V> {
        self.done = true;
        let value = Arc::new(value);
        let inner = &self.store.inner;
        let now = inner.clock.now();
        let mut t = lock(&inner.table);
        // Ours while our in-flight entry stands; also when the key is vacant (our lease ran
        // out and nobody took over since): the work was done, so a later duplicate must replay
        // it, not run it a second time. Never over another run's entry.
        let ours = match t.map.get(&self.key) {
            Some(Entry::InFlight { generation, fp, .. }) if *generation == self.generation => {
                Some(*fp)
            }
            None => Some(self.fp),
            _ => None,
        };
        if let Some(fp) = ours {
            // A vacant key (our lease ran out and the entry was purged) adds an entry: it
            // must respect `max_entries` like `begin` does, or late completions would grow the
            // table past its cap. The weight is checked first: a value that will not be stored evicts nothing.
            let vacant = !t.map.contains_key(&self.key);
            let too_heavy = weight > inner.cfg.max_bytes;
            if too_heavy || (vacant && t.map.len() >= inner.cfg.max_entries && !evict_one(&mut t)) {
                // Too heavy to keep at all, or no room: free the key rather than hold it in
                // flight; the waiters still get the value.
                t.take(&self.key);
            } else {
                while t.bytes.saturating_add(weight) > inner.cfg.max_bytes && evict_one(&mut t) {}
                let expires = now.saturating_add(inner.cfg.ttl);
                // Replaces our in-flight entry (weight 0), if any: `bytes` needs no adjusting.
                t.map.insert(
                    self.key.clone(),
                    Entry::Done {
                        fp,
                        generation: self.generation,
                        expires,
                        value: value.clone(),
                        weight,
                    },
                );
                t.bytes = t.bytes.saturating_add(weight);
                t.queue
                    .push_back((expires, self.key.clone(), self.generation));
            }
        }
        drop(t);
        self.slot.settle(SlotState::Done(value.clone()));
        value
    }

    /// Releases the key without storing anything (same as dropping the guard).
    pub fn release(self) {}
}

impl<V> Drop for RunGuard<V> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut t = lock(&self.store.inner.table);
        if matches!(t.map.get(&self.key), Some(Entry::InFlight { generation, .. }) if *generation == self.generation)
        {
            t.map.remove(&self.key);
        }
        drop(t);
        self.slot.settle(SlotState::Abandoned);
    }
}

/// Held by a duplicate of an in-flight request.
pub struct Waiter<V> {
    slot: Arc<Slot<V>>,
}

impl<V> std::fmt::Debug for Waiter<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Waiter")
    }
}

impl<V> Waiter<V> {
    /// Blocks until the first request completes (its response), is abandoned
    /// ([`Error::Abandoned`]: retry, the key is free), or `timeout` passes
    /// ([`Error::WaitTimeout`]). Real time: do not call on an async runtime's thread, use
    /// `wait_async` there.
    pub fn wait(self, timeout: Duration) -> Result<Arc<V>, Error> {
        let start = Instant::now();
        let mut st = self
            .slot
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            match &*st {
                SlotState::Done(v) => return Ok(v.clone()),
                SlotState::Abandoned => return Err(Error::Abandoned),
                SlotState::Pending => {}
            }
            let left = timeout.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Err(Error::WaitTimeout);
            }
            st = self
                .slot
                .cv
                .wait_timeout(st, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The result if the first request has finished, without waiting.
    pub fn try_result(&self) -> Option<Result<Arc<V>, Error>> {
        self.slot.poll()
    }

    /// Waits asynchronously (tokio) for the result; see [`Waiter::wait`].
    #[cfg(feature = "tokio")]
    pub async fn wait_async(self, timeout: Duration) -> Result<Arc<V>, Error> {
        let slot = self.slot;
        let fut = async {
            loop {
                let notified = slot.notify.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(r) = slot.poll() {
                    return r;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, fut)
            .await
            .unwrap_or(Err(Error::WaitTimeout))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<V> IdempotencyStore<V> {
    /// A store with `cfg` on the system clock.
    pub fn new(cfg: IdempotencyConfig) -> Self {
        Self::with_clock(cfg, Arc::new(SystemClock))
    }

    /// A store on the given clock (windows and leases follow it; waiter timeouts are real time).
    pub fn with_clock(cfg: IdempotencyConfig, clock: SharedClock) -> Self {
        Self {
            inner: Arc::new(Inner {
                cfg,
                clock,
                table: Mutex::new(Table {
                    map: HashMap::new(),
                    queue: VecDeque::new(),
                    leases: VecDeque::new(),
                    next_generation: 0,
                    bytes: 0,
                }),
            }),
        }
    }

    /// Entries held now (in flight and completed, including expired ones not yet purged).
    pub fn len(&self) -> usize {
        lock(&self.inner.table).map.len()
    }

    /// Whether the store holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The summed weight of the completed entries held now (see
    /// [`RunGuard::complete_weighted`]); never above the configured `max_bytes`.
    pub fn stored_bytes(&self) -> usize {
        lock(&self.inner.table).bytes
    }

    /// Starts a request under `key` with content `fp`.
    ///
    /// Errors: [`Error::InvalidIdempotencyKey`], [`Error::IdempotencyConflict`] (same key,
    /// other fingerprint, while the first is stored or in flight), [`Error::StoreFull`].
    pub fn begin(&self, key: &str, fp: Fingerprint) -> Result<Begin<V>, Error> {
        validate_key(key)?;
        let inner = &*self.inner;
        let now = inner.clock.now();
        let mut t = lock(&inner.table);
        purge(&mut t, now);
        match t.map.get(key) {
            Some(Entry::Done {
                fp: stored,
                expires,
                value,
                ..
            }) if *expires > now => {
                return if *stored == fp {
                    Ok(Begin::Replay(value.clone()))
                } else {
                    Err(Error::IdempotencyConflict)
                };
            }
            Some(Entry::InFlight {
                fp: stored,
                lease_end,
                slot,
                ..
            }) if *lease_end > now => {
                return if *stored == fp {
                    Ok(Begin::Wait(Waiter { slot: slot.clone() }))
                } else {
                    Err(Error::IdempotencyConflict)
                };
            }
            Some(_) => {
                if let Some(Entry::InFlight { slot, .. }) = t.take(key) {
                    slot.settle(SlotState::Abandoned);
                }
            }
            None => {}
        }
        if t.map.len() >= inner.cfg.max_entries && !evict_one(&mut t) {
            return Err(Error::StoreFull {
                capacity: inner.cfg.max_entries,
            });
        }
        let generation = t.next_generation;
        t.next_generation = t.next_generation.wrapping_add(1);
        let key: Box<str> = key.into();
        let slot = Arc::new(Slot::new());
        let lease_end = now.saturating_add(inner.cfg.lease);
        t.map.insert(
            key.clone(),
            Entry::InFlight {
                fp,
                generation,
                lease_end,
                slot: slot.clone(),
            },
        );
        t.leases.push_back((lease_end, key.clone(), generation));
        compact(&mut t, inner.cfg.max_entries);
        Ok(Begin::Run(RunGuard {
            store: self.clone(),
            key,
            fp,
            generation,
            slot,
            done: false,
        }))
    }

    /// Looks a key up without starting anything: the stored response if completed and live.
    pub fn get(&self, key: &str, fp: Fingerprint) -> Result<Option<Arc<V>>, Error> {
        let now = self.inner.clock.now();
        let t = lock(&self.inner.table);
        match t.map.get(key) {
            Some(Entry::Done {
                fp: stored,
                expires,
                value,
                ..
            }) if *expires > now => {
                if *stored == fp {
                    Ok(Some(value.clone()))
                } else {
                    Err(Error::IdempotencyConflict)
                }
            }
            _ => Ok(None),
        }
    }
}

/// Drops expired items at the queues' fronts (completed past ttl, in-flight past lease: the
/// abandoned runner's waiters are released with [`Error::Abandoned`]).
fn purge<V>(t: &mut Table<V>, now: Duration) {
    while let Some((at, _, _)) = t.queue.front() {
        if *at > now {
            break;
        }
        if let Some((_, key, generation)) = t.queue.pop_front() {
            remove_if(t, &key, generation, Kind::Done);
        }
    }
    while let Some((at, _, _)) = t.leases.front() {
        if *at > now {
            break;
        }
        if let Some((_, key, generation)) = t.leases.pop_front() {
            remove_if(t, &key, generation, Kind::InFlight);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    InFlight,
    Done,
}

/// Removes `key` if it is still the entry of `generation` **and** of `kind`. A completed entry
/// keeps its run's generation, so the lease item of a run that completed must not remove the
/// response it left (that would end the replay window at the lease, not the ttl).
fn remove_if<V>(t: &mut Table<V>, key: &str, generation: u64, kind: Kind) -> bool {
    let matches = t.map.get(key).is_some_and(|e| {
        e.generation() == generation
            && match e {
                Entry::InFlight { .. } => kind == Kind::InFlight,
                Entry::Done { .. } => kind == Kind::Done,
            }
    });
    if matches {
        if let Some(Entry::InFlight { slot, .. }) = t.take(key) {
            slot.settle(SlotState::Abandoned);
        }
        return true;
    }
    false
}

/// Evicts the completed entry closest to expiry; `false` when every entry is in flight.
/// Stale items met on the way are dropped, so the cost is amortised O(1).
fn evict_one<V>(t: &mut Table<V>) -> bool {
    while let Some((_, key, generation)) = t.queue.pop_front() {
        if remove_if(t, &key, generation, Kind::Done) {
            return true;
        }
    }
    false
}

/// Keeps the queue proportional to the map: drops stale items when it grew past twice the cap.
fn compact<V>(t: &mut Table<V>, max: usize) {
    if t.queue.len() + t.leases.len() > max.saturating_mul(2).max(64) {
        let Table {
            map, queue, leases, ..
        } = t;
        let live = |map: &HashMap<Box<str>, Entry<V>>, key: &str, generation: u64, done: bool| {
            map.get(key).is_some_and(|e| {
                e.generation() == generation && matches!(e, Entry::Done { .. }) == done
            })
        };
        queue.retain(|(_, key, g)| live(map, key, *g, true));
        leases.retain(|(_, key, g)| live(map, key, *g, false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn store(ttl_ms: u64) -> (IdempotencyStore<String>, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::default());
        let cfg = IdempotencyConfig::builder()
            .ttl(Duration::from_millis(ttl_ms))
            .lease(Duration::from_secs(60))
            .max_entries(4)
            .build()
            .unwrap();
        (IdempotencyStore::with_clock(cfg, clock.clone()), clock)
    }

    fn fp(s: &str) -> Fingerprint {
        Fingerprint::of(&[b"tenant", s.as_bytes()])
    }

    fn store_with(ttl: Duration, lease: Duration) -> (IdempotencyStore<String>, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::default());
        let cfg = IdempotencyConfig::builder()
            .ttl(ttl)
            .lease(lease)
            .max_entries(16)
            .build()
            .unwrap();
        (IdempotencyStore::with_clock(cfg, clock.clone()), clock)
    }

    #[test]
    fn replay_lasts_the_ttl_when_it_is_longer_than_the_lease() {
        // The defaults' shape: 24 h ttl, 5 min lease. The run's lease item must not remove the
        // response it completed into (same generation) when the lease ends.
        let (s, clock) = store_with(Duration::from_secs(24 * 3600), Duration::from_secs(300));
        let Begin::Run(g) = s.begin("pay-1", fp("a")).unwrap() else {
            panic!("first must run")
        };
        clock.advance_ms(1_000);
        g.complete("charged once".to_owned());
        clock.advance(Duration::from_secs(3600));
        match s.begin("pay-1", fp("a")).unwrap() {
            Begin::Replay(v) => assert_eq!(*v, "charged once"),
            other => panic!("a duplicate an hour later must replay, got {other:?}"),
        }
        assert_eq!(s.len(), 1);
        clock.advance(Duration::from_secs(23 * 3600));
        assert!(matches!(s.begin("pay-1", fp("a")).unwrap(), Begin::Run(_)));
    }

    #[test]
    fn an_expired_lease_behind_a_long_lived_response_is_reclaimed() {
        let (s, clock) = store_with(Duration::from_secs(24 * 3600), Duration::from_secs(60));
        let Begin::Run(done) = s.begin("a", fp("a")).unwrap() else {
            panic!()
        };
        done.complete("kept".to_owned());
        let Begin::Run(hung) = s.begin("b", fp("b")).unwrap() else {
            panic!()
        };
        let Begin::Wait(w) = s.begin("b", fp("b")).unwrap() else {
            panic!()
        };
        clock.advance(Duration::from_secs(61));
        // Any call purges: the hung run's key is freed and its waiter released, although the
        // response of "a" (expiring in a day) was queued before it.
        assert!(matches!(s.begin("c", fp("c")).unwrap(), Begin::Run(_)));
        assert_eq!(
            w.try_result().map(|r| r.unwrap_err()),
            Some(Error::Abandoned)
        );
        assert!(matches!(s.begin("a", fp("a")).unwrap(), Begin::Replay(_)));
        drop(hung);
    }

    #[test]
    fn first_runs_duplicate_replays_until_ttl() {
        let (s, clock) = store(5_000);
        let Begin::Run(g) = s.begin("k1", fp("a")).unwrap() else {
            panic!("first must run")
        };
        g.complete("resp".to_owned());
        clock.advance_ms(4_999);
        match s.begin("k1", fp("a")).unwrap() {
            Begin::Replay(v) => assert_eq!(*v, "resp"),
            other => panic!("{other:?}"),
        }
        clock.advance_ms(1);
        assert!(matches!(s.begin("k1", fp("a")).unwrap(), Begin::Run(_)));
    }

    #[test]
    fn conflict_on_other_fingerprint() {
        let (s, _clock) = store(5_000);
        let Begin::Run(g) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        assert_eq!(
            s.begin("k", fp("b")).unwrap_err(),
            Error::IdempotencyConflict
        );
        g.complete("x".into());
        assert_eq!(
            s.begin("k", fp("b")).unwrap_err(),
            Error::IdempotencyConflict
        );
        assert_eq!(s.get("k", fp("b")).unwrap_err(), Error::IdempotencyConflict);
        assert_eq!(
            s.get("k", fp("a")).unwrap().as_deref().map(String::as_str),
            Some("x")
        );
        assert_ne!(
            Fingerprint::of(&[b"ab", b"c"]),
            Fingerprint::of(&[b"a", b"bc"])
        );
    }

    #[test]
    fn waiter_gets_the_in_flight_result_across_threads() {
        let (s, _clock) = store(5_000);
        let Begin::Run(g) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        let s2 = s.clone();
        let h = std::thread::spawn(move || match s2.begin("k", fp("a")).unwrap() {
            Begin::Wait(w) => w.wait(Duration::from_secs(10)),
            other => panic!("{other:?}"),
        });
        std::thread::sleep(Duration::from_millis(20));
        g.complete("done".into());
        assert_eq!(*h.join().unwrap().unwrap(), "done");
    }

    #[test]
    fn abandoned_runner_releases_waiters_and_frees_the_key() {
        let (s, _clock) = store(5_000);
        let Begin::Run(g) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        let Begin::Wait(w) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        assert!(w.try_result().is_none());
        drop(g);
        assert_eq!(
            w.wait(Duration::from_secs(1)).unwrap_err(),
            Error::Abandoned
        );
        assert!(matches!(s.begin("k", fp("a")).unwrap(), Begin::Run(_)));
    }

    #[test]
    fn lease_expiry_releases_waiters_and_ignores_the_late_runner() {
        let (s, clock) = store(5_000);
        let Begin::Run(g) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        let Begin::Wait(w) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        clock.advance(Duration::from_secs(60));
        let Begin::Run(g2) = s.begin("k", fp("a")).unwrap() else {
            panic!("lease over: runs again")
        };
        assert_eq!(
            w.wait(Duration::from_secs(1)).unwrap_err(),
            Error::Abandoned
        );
        g.complete("late".into());
        // The late result does not overwrite the new run's entry.
        let Begin::Wait(w2) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        g2.complete("fresh".into());
        assert_eq!(*w2.wait(Duration::from_secs(1)).unwrap(), "fresh");
    }

    #[test]
    fn a_late_runner_with_nobody_after_it_still_stores_its_response() {
        let (s, clock) = store(5_000);
        let Begin::Run(g) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        clock.advance(Duration::from_secs(61));
        // The lease ran out; a purge (any call) frees the key, but no duplicate came.
        assert!(matches!(s.begin("other", fp("o")).unwrap(), Begin::Run(_)));
        g.complete("done late".into());
        // The work happened: a duplicate now replays it instead of running it again.
        match s.begin("k", fp("a")).unwrap() {
            Begin::Replay(v) => assert_eq!(*v, "done late"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.begin("k", fp("b")).unwrap_err(),
            Error::IdempotencyConflict
        );
    }

    #[test]
    fn waiter_times_out() {
        let (s, _clock) = store(5_000);
        let Begin::Run(_g) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        let Begin::Wait(w) = s.begin("k", fp("a")).unwrap() else {
            panic!()
        };
        assert_eq!(
            w.wait(Duration::from_millis(10)).unwrap_err(),
            Error::WaitTimeout
        );
    }

    #[test]
    fn bounded_memory_with_eviction_and_store_full() {
        let (s, clock) = store(5_000);
        for i in 0..4 {
            let Begin::Run(g) = s.begin(&format!("k{i}"), fp("a")).unwrap() else {
                panic!()
            };
            g.complete(i.to_string());
        }
        // Full of completed entries: the oldest goes.
        let Begin::Run(_g4) = s.begin("k4", fp("a")).unwrap() else {
            panic!()
        };
        assert_eq!(s.len(), 4);
        assert!(
            matches!(s.begin("k0", fp("a")).unwrap(), Begin::Run(_)),
            "k0 was evicted"
        );
        // Expired entries are purged.
        clock.advance_ms(5_000);
        let _guards: Vec<_> = (10..13)
            .map(|i| s.begin(&format!("n{i}"), fp("a")).unwrap())
            .collect();
        // Now 4 entries in flight (k4 + 3): a fifth cannot start.
        assert_eq!(
            s.begin("n99", fp("a")).unwrap_err(),
            Error::StoreFull { capacity: 4 }
        );
    }

    #[test]
    fn byte_budget_evicts_the_oldest_and_refuses_what_cannot_fit() {
        let clock = Arc::new(ManualClock::default());
        let cfg = IdempotencyConfig::builder()
            .ttl(Duration::from_secs(60))
            .max_entries(100)
            .max_bytes(100)
            .build()
            .unwrap();
        let s: IdempotencyStore<String> = IdempotencyStore::with_clock(cfg, clock.clone());
        let run = |key: &str, body: &str| {
            let Begin::Run(g) = s.begin(key, fp(key)).unwrap() else {
                panic!("{key} must run")
            };
            g.complete_weighted(body.to_owned(), body.len())
        };
        for i in 0..4 {
            clock.advance_ms(10);
            run(&format!("k{i}"), &"x".repeat(30));
        }
        // 4 x 30 > 100: storing k3 evicted k0, the oldest.
        assert_eq!(s.stored_bytes(), 90);
        assert_eq!(s.len(), 3);
        assert!(matches!(s.begin("k1", fp("k1")).unwrap(), Begin::Replay(_)));
        let Begin::Run(again) = s.begin("k0", fp("k0")).unwrap() else {
            panic!("k0 was evicted: it runs again")
        };
        drop(again);
        // 60 more bytes: k1 and k2 go, k3 stays.
        run("big", &"y".repeat(60));
        assert_eq!(s.stored_bytes(), 90);
        assert!(matches!(s.begin("k3", fp("k3")).unwrap(), Begin::Replay(_)));
        assert!(matches!(s.begin("k2", fp("k2")).unwrap(), Begin::Run(_)));
        // Heavier than the whole budget: the waiter gets it, the store does not keep it.
        let Begin::Run(g) = s.begin("huge", fp("huge")).unwrap() else {
            panic!()
        };
        let Begin::Wait(w) = s.begin("huge", fp("huge")).unwrap() else {
            panic!()
        };
        g.complete_weighted("z".repeat(101), 101);
        assert_eq!(w.wait(Duration::from_secs(1)).unwrap().len(), 101);
        assert_eq!(
            s.stored_bytes(),
            90,
            "nothing evicted for a value not stored"
        );
        assert!(matches!(
            s.begin("huge", fp("huge")).unwrap(),
            Begin::Run(_)
        ));
        // Expiry gives the bytes back.
        clock.advance(Duration::from_secs(61));
        assert!(matches!(s.begin("n", fp("n")).unwrap(), Begin::Run(_)));
        assert_eq!(s.stored_bytes(), 0);
        assert!(
            IdempotencyConfig::builder().max_bytes(0).build().is_err(),
            "a zero budget is a configuration error"
        );
    }

    #[test]
    fn key_from_headers() {
        let h = |v: &'static [(&'static str, &'static [u8])]| idempotency_key(v.iter().copied());
        assert_eq!(h(&[("Idempotency-Key", b"abc-123")]), Ok(Some("abc-123")));
        assert_eq!(
            h(&[("idempotency-key", b"\"8e03978e-40d5\"")]),
            Ok(Some("8e03978e-40d5"))
        );
        assert_eq!(h(&[("x-request-id", b"B")]), Ok(None));
        assert_eq!(h(&[]), Ok(None));
        for bad in [
            &[
                ("Idempotency-Key", &b"a"[..]),
                ("idempotency-key", &b"b"[..]),
            ][..],
            &[("Idempotency-Key", &b"\"open"[..])],
            &[("Idempotency-Key", &b"\"a\\\"b\""[..])],
            &[("Idempotency-Key", &b""[..])],
            &[("Idempotency-Key", &b"\xff"[..])],
            &[("Idempotency-Key", &b"has space"[..])],
        ] {
            assert_eq!(
                idempotency_key(bad.iter().copied()),
                Err(Error::InvalidIdempotencyKey),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn keys_are_validated() {
        let (s, _clock) = store(5_000);
        for bad in ["", "has space", "tab\t", &"x".repeat(256), "é"] {
            assert_eq!(
                s.begin(bad, fp("a")).unwrap_err(),
                Error::InvalidIdempotencyKey,
                "{bad:?}"
            );
        }
        assert!(
            IdempotencyConfig::builder()
                .ttl(Duration::ZERO)
                .build()
                .is_err()
        );
        assert!(IdempotencyConfig::builder().max_entries(0).build().is_err());
    }

    #[test]
    fn a_late_completion_keeps_to_the_entry_cap() {
        let clock = Arc::new(ManualClock::default());
        let cfg = IdempotencyConfig::builder()
            .ttl(Duration::from_secs(60))
            .lease(Duration::from_secs(1))
            .max_entries(2)
            .build()
            .unwrap();
        let s: IdempotencyStore<String> = IdempotencyStore::with_clock(cfg, clock.clone());
        let Begin::Run(late) = s.begin("late", fp("late")).unwrap() else {
            panic!("must run")
        };
        let Begin::Run(later) = s.begin("later", fp("later")).unwrap() else {
            panic!("must run")
        };
        // Both leases run out; two new runs take the two places.
        clock.advance(Duration::from_secs(2));
        let Begin::Run(a) = s.begin("a", fp("a")).unwrap() else {
            panic!("must run")
        };
        let Begin::Run(b) = s.begin("b", fp("b")).unwrap() else {
            panic!("must run")
        };
        // Everything held is in flight: the late answer reaches nobody's store.
        assert_eq!(*late.complete("done late".to_owned()), "done late");
        assert_eq!(s.len(), 2);
        assert!(matches!(
            s.begin("late", fp("late")),
            Err(Error::StoreFull { .. })
        ));
        // With a completed entry held, the late answer takes the place of the oldest.
        a.complete("a".to_owned());
        later.complete("done later".to_owned());
        assert_eq!(s.len(), 2);
        assert!(matches!(
            s.begin("later", fp("later")).unwrap(),
            Begin::Replay(_)
        ));
        drop(b);
    }

    #[test]
    fn a_late_completion_too_heavy_to_store_evicts_nothing() {
        let clock = Arc::new(ManualClock::default());
        let cfg = IdempotencyConfig::builder()
            .lease(Duration::from_secs(1))
            .max_entries(2)
            .max_bytes(10)
            .build()
            .unwrap();
        let s: IdempotencyStore<String> = IdempotencyStore::with_clock(cfg, clock.clone());
        let Begin::Run(late) = s.begin("late", fp("late")).unwrap() else {
            panic!("must run")
        };
        clock.advance(Duration::from_secs(2));
        for key in ["a", "b"] {
            let Begin::Run(g) = s.begin(key, fp(key)).unwrap() else {
                panic!("must run")
            };
            g.complete_weighted(key.to_owned(), 1);
        }
        // The table is full and "late" is vacant; its value is over the whole budget.
        assert_eq!(late.complete_weighted("x".repeat(11), 11).len(), 11);
        assert_eq!(s.len(), 2);
        assert_eq!(s.stored_bytes(), 2);
        assert!(matches!(s.begin("a", fp("a")).unwrap(), Begin::Replay(_)));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Begin { key: u8, fp: u8 },
        Complete { run: usize, weight: usize },
        Drop { run: usize },
        Advance { ms: u64 },
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            (0u8..6, 0u8..2).prop_map(|(key, fp)| Op::Begin { key, fp }),
            (0usize..8, 0usize..=130).prop_map(|(run, weight)| Op::Complete { run, weight }),
            (0usize..8).prop_map(|run| Op::Drop { run }),
            (0u64..2_500).prop_map(|ms| Op::Advance { ms }),
        ]
    }

    proptest::proptest! {
        /// Whatever the interleaving of runs, completions (light, heavy, over the whole
        /// budget), abandons, expiries and evictions: the byte count is exactly the sum of the
        /// stored weights, never above the budget, every stored entry can still be evicted
        /// (it has its queue item), and the entry cap holds.
        #[test]
        fn byte_accounting_stays_exact(ops in proptest::collection::vec(op(), 1..120)) {
            let clock = Arc::new(ManualClock::default());
            let cfg = IdempotencyConfig::builder()
                .ttl(Duration::from_secs(3))
                .lease(Duration::from_secs(2))
                .max_entries(5)
                .max_bytes(100)
                .build()
                .unwrap();
            let s: IdempotencyStore<usize> = IdempotencyStore::with_clock(cfg, clock.clone());
            let mut runs: Vec<RunGuard<usize>> = Vec::new();
            for op in ops {
                match op {
                    Op::Begin { key, fp: f } => {
                        if let Ok(Begin::Run(g)) = s.begin(&format!("k{key}"), fp(&f.to_string())) {
                            runs.push(g);
                        }
                    }
                    Op::Complete { run, weight } => {
                        if run < runs.len() {
                            let value = runs.swap_remove(run).complete_weighted(weight, weight);
                            proptest::prop_assert_eq!(*value, weight);
                        }
                    }
                    Op::Drop { run } => {
                        if run < runs.len() {
                            drop(runs.swap_remove(run));
                        }
                    }
                    Op::Advance { ms } => clock.advance_ms(ms),
                }
                let t = lock(&s.inner.table);
                let mut sum = 0usize;
                for (key, entry) in &t.map {
                    if let Entry::Done { weight, generation, .. } = entry {
                        sum += weight;
                        proptest::prop_assert!(
                            t.queue.iter().any(|(_, k, g)| k == key && g == generation),
                            "a stored entry without its queue item could never be evicted"
                        );
                    }
                }
                proptest::prop_assert_eq!(t.bytes, sum);
                proptest::prop_assert!(t.bytes <= 100);
                proptest::prop_assert!(t.map.len() <= 5);
            }
        }
    }
}
