//! Persisting breaker state across restarts.
//!
//! A breaker saves a [`BreakerSnapshot`] on every transition (trip, reopen, close), never per
//! call. A registry with a store restores each breaker on first use, so a restarted gateway
//! does not hammer a provider whose breaker was open. Open deadlines are stored as wall-clock
//! Unix milliseconds and mapped back onto the monotonic clock on restore. The sliding-window
//! counts are not persisted (they are short-lived by design).

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Mutex, PoisonError};

use crate::Error;

/// The persisted part of a breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersistedState {
    /// Closed.
    Closed,
    /// Open until this wall-clock time (half-open is stored as open until the moment it was
    /// entered, so a restart goes straight back to half-open).
    Open {
        /// Unix time in milliseconds.
        until_unix_ms: u64,
    },
}

/// What a [`StateStore`] keeps per breaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakerSnapshot {
    /// The breaker's name.
    pub name: String,
    /// Closed or open-until.
    pub state: PersistedState,
    /// The failure count.
    pub failures: u32,
    /// Failed probes in a row (drives the open-duration escalation).
    pub open_cycles: u32,
    /// Increases with every transition; a store keeps the snapshot with the highest version so
    /// concurrent saves cannot regress the state.
    pub version: u64,
}

/// Where breaker state survives a restart. Implementations must be `Send + Sync`; `save` is
/// called outside the breaker's lock, after a transition.
pub trait StateStore: Send + Sync + Debug {
    /// The snapshot saved for `name`, if any.
    fn load(&self, name: &str) -> Result<Option<BreakerSnapshot>, Error>;
    /// Saves `snapshot` unless a snapshot with a higher version is already stored.
    fn save(&self, snapshot: &BreakerSnapshot) -> Result<(), Error>;
}

/// An in-process [`StateStore`] (tests, and sharing state between registries of one process).
#[derive(Debug, Default)]
pub struct MemoryStateStore {
    map: Mutex<HashMap<String, BreakerSnapshot>>,
}

impl MemoryStateStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl StateStore for MemoryStateStore {
    fn load(&self, name: &str) -> Result<Option<BreakerSnapshot>, Error> {
        Ok(self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned())
    }

    fn save(&self, snapshot: &BreakerSnapshot) -> Result<(), Error> {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get(&snapshot.name) {
            Some(old) if old.version >= snapshot.version => {}
            _ => {
                map.insert(snapshot.name.clone(), snapshot.clone());
            }
        }
        Ok(())
    }
}
