//! A sharded map from keys to one atomic timestamp each, with idle eviction and a hard cap.
//!
//! Every value is a time in clock nanoseconds (a GCRA TAT, or a suspension's end) and a value
//! at or before `now` carries no information: such an entry is *idle* and may be dropped at any
//! time without changing any decision.

use crate::Clock;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

type Hasher = foldhash::fast::RandomState;

struct Shard<K> {
    map: RwLock<HashMap<K, AtomicU64, Hasher>>,
    /// Sweep idle entries when an insert finds the shard at this length.
    sweep_at: AtomicUsize,
}

/// Minimum length at which a shard sweeps on insert.
const MIN_SWEEP: usize = 64;

pub(crate) struct Store<K> {
    shards: Box<[Shard<K>]>,
    hasher: Hasher,
    mask: u64,
    cap_per_shard: usize,
    /// A value `v` is idle once `(v >> shift) + grace <= now`.
    shift: u32,
    grace: u64,
}

/// Why a key could not be given a cell.
pub(crate) struct Full {
    /// Nanoseconds until the soonest entry of the shard becomes idle.
    pub(crate) wait: u64,
}

fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    // The maps hold atomics only; a panic elsewhere cannot leave them inconsistent.
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<K: Hash + Eq> Store<K> {
    /// `shards` is rounded up to a power of two; `max_keys` is split evenly between shards.
    pub(crate) fn new(shards: usize, max_keys: usize) -> Self {
        Self::with_idle(shards, max_keys, 0, 0)
    }

    /// A store whose values are idle once `(v >> shift) + grace <= now`.
    pub(crate) fn with_idle(shards: usize, max_keys: usize, shift: u32, grace: u64) -> Self {
        let n = shards.clamp(1, 1 << 16).next_power_of_two();
        let hasher = Hasher::default();
        let cap_per_shard = max_keys.div_ceil(n).max(1);
        let shards = (0..n)
            .map(|_| Shard {
                map: RwLock::new(HashMap::with_hasher(hasher.clone())),
                sweep_at: AtomicUsize::new(MIN_SWEEP.min(cap_per_shard)),
            })
            .collect();
        Store {
            shards,
            hasher,
            mask: (n as u64) - 1,
            cap_per_shard,
            shift,
            grace,
        }
    }

    #[inline]
    fn shard<Q: Hash + ?Sized>(&self, key: &Q) -> Option<&Shard<K>> {
        // hashbrown indexes with the low bits and tags with the top seven: take the middle.
        let h = self.hasher.hash_one(key);
        let i = usize::try_from((h >> 32) & self.mask).unwrap_or(0);
        self.shards.get(i)
    }

    /// Runs `f` on the key's cell if it exists (read lock only), with `now` read under the lock.
    #[inline]
    pub(crate) fn with_existing<Q, R>(
        &self,
        key: &Q,
        clock: &impl Clock,
        f: impl FnOnce(&AtomicU64, u64) -> R,
    ) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let shard = self.shard(key)?;
        let map = read(&shard.map);
        map.get(key).map(|c| f(c, clock.now_nanos()))
    }

    /// Runs `f` on the key's cell, creating it (at 0: idle) if needed. On insert, a shard
    /// that reached its sweep length drops its idle entries first; a shard at its cap after
    /// that refuses the new key.
    ///
    /// `now` is read while the shard lock is held, so it is never older than a sweep that
    /// dropped an entry: eviction can never hand a key a fresher state than it had.
    #[inline]
    pub(crate) fn with_cell<Q, R>(
        &self,
        key: &Q,
        clock: &impl Clock,
        f: impl FnOnce(&AtomicU64, u64) -> R,
    ) -> Result<R, Full>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let Some(shard) = self.shard(key) else {
            return Err(Full { wait: 0 });
        };
        {
            let map = read(&shard.map);
            if let Some(cell) = map.get(key) {
                return Ok(f(cell, clock.now_nanos()));
            }
        }
        let mut map = write(&shard.map);
        let now = clock.now_nanos();
        if let Some(cell) = map.get(key) {
            return Ok(f(cell, now));
        }
        if map.len() >= shard.sweep_at.load(Ordering::Relaxed) || map.len() >= self.cap_per_shard {
            let soonest = self.sweep(&mut map, now);
            let next = map
                .len()
                .saturating_mul(2)
                .max(MIN_SWEEP)
                .min(self.cap_per_shard);
            shard.sweep_at.store(next, Ordering::Relaxed);
            if map.len() >= self.cap_per_shard {
                return Err(Full {
                    wait: soonest.saturating_sub(now),
                });
            }
        }
        let cell = map
            .entry(key.to_owned())
            .or_insert_with(|| AtomicU64::new(0));
        Ok(f(cell, now))
    }

    /// Drops every idle entry; returns how many were dropped.
    pub(crate) fn evict_idle(&self, clock: &impl Clock) -> usize {
        let mut dropped = 0;
        for shard in &self.shards {
            let mut map = write(&shard.map);
            let now = clock.now_nanos();
            let before = map.len();
            self.sweep(&mut map, now);
            dropped += before - map.len();
            shard.sweep_at.store(
                map.len()
                    .saturating_mul(2)
                    .max(MIN_SWEEP)
                    .min(self.cap_per_shard),
                Ordering::Relaxed,
            );
        }
        dropped
    }

    pub(crate) fn remove<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(shard) = self.shard(key) {
            write(&shard.map).remove(key);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| read(&s.map).len()).sum()
    }

    pub(crate) fn max_keys(&self) -> usize {
        self.cap_per_shard.saturating_mul(self.shards.len())
    }

    /// Bytes one table slot takes: the key and the atomic, plus hashbrown's control byte.
    pub(crate) const fn slot_bytes() -> usize {
        std::mem::size_of::<(K, AtomicU64)>() + 1
    }

    /// Heap and inline bytes held by the tables (not what keys own on the heap).
    pub(crate) fn memory_bytes(&self) -> usize {
        let tables: usize = self
            .shards
            .iter()
            .map(|s| {
                let cap = read(&s.map).capacity();
                // hashbrown allocates buckets = next_pow2(cap * 8 / 7) plus a group of
                // control bytes; capacity() is 7/8 of the buckets.
                let buckets = if cap == 0 {
                    0
                } else {
                    (cap.saturating_mul(8) / 7).next_power_of_two()
                };
                buckets * Self::slot_bytes() + if buckets > 0 { 16 } else { 0 }
            })
            .sum();
        tables + self.shards.len() * std::mem::size_of::<Shard<K>>()
    }

    /// Retains non-idle entries; returns the soonest time one of them becomes idle
    /// (`u64::MAX` when empty).
    fn sweep(&self, map: &mut HashMap<K, AtomicU64, Hasher>, now: u64) -> u64 {
        let mut soonest = u64::MAX;
        map.retain(|_, v| {
            let idle_at = (v.load(Ordering::Acquire) >> self.shift).saturating_add(self.grace);
            if idle_at > now {
                soonest = soonest.min(idle_at);
                true
            } else {
                false
            }
        });
        map.shrink_to(map.len().saturating_mul(2));
        soonest
    }
}
