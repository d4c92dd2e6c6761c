//! Breaker state survives a restart: a new registry on the same store comes back open.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;
use std::time::Duration;

use resilience::{
    BreakerConfig, BreakerRegistry, ManualClock, MemoryStateStore, State, StateStore,
};

fn cfg() -> BreakerConfig {
    BreakerConfig::builder()
        .failure_threshold(2)
        .degraded_threshold(None)
        .open_duration(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn restart_round_trip(store: Arc<dyn StateStore>) {
    let clock = Arc::new(ManualClock::at_unix_ms(1_700_000_000_000));
    let reg = BreakerRegistry::builder()
        .default_config(cfg())
        .clock(clock.clone())
        .store(store.clone())
        .build()
        .unwrap();
    let b = reg.get("openai").unwrap();
    b.try_acquire().permit().unwrap().failure();
    b.try_acquire().permit().unwrap().failure();
    assert_eq!(b.state(), State::Open);
    // Half-open, a failed probe: open_cycles 1 is persisted too.
    clock.advance(Duration::from_secs(30));
    b.try_acquire().permit().unwrap().failure();
    assert_eq!(b.status().open_cycles, 1);
    assert_eq!(b.persist_errors(), 0);

    // "Restart" 10 s later: a new process, a new monotonic clock, the same store.
    let clock2 = Arc::new(ManualClock::at_unix_ms(1_700_000_000_000 + 40_000));
    let reg2 = BreakerRegistry::builder()
        .default_config(cfg())
        .clock(clock2.clone())
        .store(store)
        .build()
        .unwrap();
    let b2 = reg2.get("openai").unwrap();
    let st = b2.status();
    assert_eq!(
        st.state,
        State::Open,
        "restored open: no hammering after a restart"
    );
    assert_eq!(st.open_cycles, 1);
    assert_eq!(st.retry_after, Duration::from_secs(20));
    clock2.advance(Duration::from_secs(20));
    assert_eq!(b2.state(), State::HalfOpen);
    b2.try_acquire().permit().unwrap().success();
    assert_eq!(b2.state(), State::Closed);
    // A breaker never seen before starts closed.
    assert_eq!(reg2.get("anthropic").unwrap().state(), State::Closed);
}

#[test]
fn memory_store_restores_open_breakers() {
    restart_round_trip(Arc::new(MemoryStateStore::new()));
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_store_restores_open_breakers_across_connections() {
    use resilience::SqliteStateStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breakers.db");
    restart_round_trip(Arc::new(SqliteStateStore::open(&path).unwrap()));
    // A fresh connection to the file sees the last state (closed after the successful probe).
    let reopened = SqliteStateStore::open(&path).unwrap();
    let snap = reopened.load("openai").unwrap().unwrap();
    assert_eq!(snap.state, resilience::PersistedState::Closed);
    assert_eq!(snap.open_cycles, 0);
}

#[test]
fn restart_after_the_open_period_goes_straight_to_half_open() {
    let store: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
    let clock = Arc::new(ManualClock::at_unix_ms(1_700_000_000_000));
    let reg = BreakerRegistry::builder()
        .default_config(cfg())
        .clock(clock)
        .store(store.clone())
        .build()
        .unwrap();
    let b = reg.get("p").unwrap();
    b.try_acquire().permit().unwrap().failure();
    b.try_acquire().permit().unwrap().failure();
    assert_eq!(b.state(), State::Open);
    // The process comes back an hour later: one probe is admitted, not a flood of calls.
    let later = Arc::new(ManualClock::at_unix_ms(1_700_000_000_000 + 3_600_000));
    let reg2 = BreakerRegistry::builder()
        .default_config(cfg())
        .clock(later)
        .store(store)
        .build()
        .unwrap();
    let b2 = reg2.get("p").unwrap();
    assert_eq!(b2.state(), State::HalfOpen);
    let probe = b2.try_acquire().permit().unwrap();
    assert!(probe.is_probe());
    assert!(b2.try_acquire().permit().is_none());
    probe.success();
    assert_eq!(b2.state(), State::Closed);
}
