//! Concurrency limits: requests in flight per key and globally, with load shedding that keeps
//! a reserved share of the global capacity for critical traffic.
//!
//! A limiter never queues: a request over a limit is shed at once ([`Acquire::Shed`]), which is
//! what a gateway under overload should do (answer 503/429 fast rather than pile up latency).
//! Admission hands out an RAII [`InFlight`] guard; dropping it (completion, error, cancelled
//! future, panic) returns the slot, so slots never leak.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::Error;

/// How important a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    /// May use the whole global capacity, including the reserved share (health checks, paid
    /// tier, control plane).
    Critical,
    /// Shed first: admitted only while the unreserved share has room.
    Normal,
}

/// Why a request was shed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShedReason {
    /// The global capacity is in use.
    Global,
    /// Only the share reserved for critical traffic is left.
    Reserved,
    /// The key has its maximum of requests in flight.
    Key,
}

/// The answer of [`ConcurrencyLimiter::try_acquire`].
#[derive(Debug)]
#[must_use = "hold the guard for the duration of the request"]
pub enum Acquire {
    /// Go ahead; the slot is returned when the guard drops.
    Admitted(InFlight),
    /// Refuse the request now.
    Shed(ShedReason),
}

impl Acquire {
    /// The guard, if admitted.
    pub fn admitted(self) -> Option<InFlight> {
        match self {
            Acquire::Admitted(g) => Some(g),
            Acquire::Shed(_) => None,
        }
    }
}

/// Limiter configuration. Build with [`LimiterConfig::builder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimiterConfig {
    global: usize,
    per_key: usize,
    reserved: usize,
}

/// Builder for [`LimiterConfig`].
#[derive(Debug, Clone)]
pub struct LimiterConfigBuilder {
    cfg: LimiterConfig,
}

impl LimiterConfig {
    /// Defaults: 256 in flight globally, 16 per key, 10 % (25) reserved for critical traffic.
    pub fn builder() -> LimiterConfigBuilder {
        LimiterConfigBuilder {
            cfg: LimiterConfig {
                global: 256,
                per_key: 16,
                reserved: 25,
            },
        }
    }
}

impl LimiterConfigBuilder {
    /// Requests in flight at once, all keys together (>= 1).
    pub fn global(mut self, n: usize) -> Self {
        self.cfg.global = n;
        self
    }
    /// Requests in flight at once for one key (1..=global).
    pub fn per_key(mut self, n: usize) -> Self {
        self.cfg.per_key = n;
        self
    }
    /// Slots of the global capacity that only [`Priority::Critical`] requests may use
    /// (< global).
    pub fn reserved_for_critical(mut self, n: usize) -> Self {
        self.cfg.reserved = n;
        self
    }
    /// Validates and builds.
    pub fn build(self) -> Result<LimiterConfig, Error> {
        let c = &self.cfg;
        if c.global == 0 {
            return Err(Error::InvalidConfig("global must be at least 1"));
        }
        if c.per_key == 0 || c.per_key > c.global {
            return Err(Error::InvalidConfig("per_key must be in 1..=global"));
        }
        if c.reserved >= c.global {
            return Err(Error::InvalidConfig(
                "reserved_for_critical must be below global",
            ));
        }
        Ok(self.cfg)
    }
}

#[derive(Debug)]
struct LimState {
    total: usize,
    keys: HashMap<Arc<str>, usize>,
}

#[derive(Debug)]
struct LimInner {
    cfg: LimiterConfig,
    state: Mutex<LimState>,
}

/// A concurrency limiter per key and global. Cheap to clone; `Send + Sync`. Memory is bounded
/// by the requests in flight: a key's counter is removed when its last request finishes.
#[derive(Debug, Clone)]
pub struct ConcurrencyLimiter {
    inner: Arc<LimInner>,
}

/// An admitted request's slot; returned on drop.
#[derive(Debug)]
pub struct InFlight {
    limiter: ConcurrencyLimiter,
    key: Arc<str>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut st = self
            .limiter
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        st.total = st.total.saturating_sub(1);
        if let Some(n) = st.keys.get_mut(&*self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                st.keys.remove(&*self.key);
            }
        }
    }
}

impl ConcurrencyLimiter {
    /// A limiter with `cfg`.
    pub fn new(cfg: LimiterConfig) -> Self {
        Self {
            inner: Arc::new(LimInner {
                cfg,
                state: Mutex::new(LimState {
                    total: 0,
                    keys: HashMap::new(),
                }),
            }),
        }
    }

    /// Admits a request for `key` (a tenant, an API key id, a provider) or sheds it.
    pub fn try_acquire(&self, key: &str, priority: Priority) -> Acquire {
        let cfg = &self.inner.cfg;
        let mut st = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if st.total >= cfg.global {
            return Acquire::Shed(ShedReason::Global);
        }
        if priority == Priority::Normal && st.total >= cfg.global - cfg.reserved {
            return Acquire::Shed(ShedReason::Reserved);
        }
        let per_key = st.keys.get(key).copied().unwrap_or(0);
        if per_key >= cfg.per_key {
            return Acquire::Shed(ShedReason::Key);
        }
        st.total += 1;
        // A key already in flight shares its `Arc<str>`: no allocation on that path.
        let shared = match st.keys.get_key_value(key) {
            Some((k, _)) => k.clone(),
            None => Arc::from(key),
        };
        *st.keys.entry(shared.clone()).or_insert(0) += 1;
        drop(st);
        Acquire::Admitted(InFlight {
            limiter: self.clone(),
            key: shared,
        })
    }

    /// Requests in flight, all keys together.
    pub fn in_flight(&self) -> usize {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }

    /// Requests in flight for `key`.
    pub fn in_flight_for(&self, key: &str) -> usize {
        let st = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        st.keys.get(key).copied().unwrap_or(0)
    }

    /// Keys with requests in flight.
    pub fn active_keys(&self) -> usize {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> ConcurrencyLimiter {
        let cfg = LimiterConfig::builder()
            .global(4)
            .per_key(2)
            .reserved_for_critical(1)
            .build()
            .unwrap();
        ConcurrencyLimiter::new(cfg)
    }

    #[test]
    fn per_key_global_and_reserved_share() {
        let l = limiter();
        let a1 = l.try_acquire("a", Priority::Normal).admitted().unwrap();
        let _a2 = l.try_acquire("a", Priority::Normal).admitted().unwrap();
        assert!(matches!(
            l.try_acquire("a", Priority::Critical),
            Acquire::Shed(ShedReason::Key)
        ));
        let _b1 = l.try_acquire("b", Priority::Normal).admitted().unwrap();
        // 3 of 4 used, 1 reserved: normal traffic is shed, critical gets the last slot.
        assert!(matches!(
            l.try_acquire("c", Priority::Normal),
            Acquire::Shed(ShedReason::Reserved)
        ));
        let c1 = l.try_acquire("c", Priority::Critical).admitted().unwrap();
        assert!(matches!(
            l.try_acquire("d", Priority::Critical),
            Acquire::Shed(ShedReason::Global)
        ));
        assert_eq!(
            (l.in_flight(), l.in_flight_for("a"), l.active_keys()),
            (4, 2, 3)
        );
        drop(c1);
        drop(a1);
        assert_eq!(
            (l.in_flight(), l.in_flight_for("a"), l.active_keys()),
            (2, 1, 2)
        );
        assert!(l.try_acquire("c", Priority::Normal).admitted().is_some());
    }

    #[test]
    fn slots_return_on_drop_across_threads() {
        let l = ConcurrencyLimiter::new(
            LimiterConfig::builder()
                .global(8)
                .per_key(8)
                .reserved_for_critical(0)
                .build()
                .unwrap(),
        );
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..1000 {
                        if let Acquire::Admitted(g) = l.try_acquire("k", Priority::Normal) {
                            assert!(l.in_flight() <= 8);
                            drop(g);
                        }
                    }
                });
            }
        });
        assert_eq!((l.in_flight(), l.active_keys()), (0, 0));
    }

    #[test]
    fn config_is_validated() {
        assert!(LimiterConfig::builder().global(0).build().is_err());
        assert!(
            LimiterConfig::builder()
                .global(4)
                .per_key(5)
                .build()
                .is_err()
        );
        assert!(
            LimiterConfig::builder()
                .global(4)
                .per_key(4)
                .reserved_for_critical(4)
                .build()
                .is_err()
        );
    }
}
