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
    BreakerConfig, BreakerRegistry, BreakerSnapshot, ManualClock, MemoryStateStore, PersistedState,
    State, StateStore,
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

#[test]
fn a_stored_deadline_never_keeps_a_breaker_open_past_max_open_duration() {
    // A corrupt or tampered row (or a wall clock that jumped) says "open until the year
    // 500 million": the restored breaker is open for at most max_open_duration.
    let store: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
    store
        .save(&BreakerSnapshot {
            name: "p".to_owned(),
            state: PersistedState::Open {
                until_unix_ms: u64::MAX,
            },
            failures: 2,
            open_cycles: 0,
            version: 7,
        })
        .unwrap();
    let clock = Arc::new(ManualClock::at_unix_ms(1_700_000_000_000));
    let cfg = BreakerConfig::builder()
        .failure_threshold(2)
        .degraded_threshold(None)
        .open_duration(Duration::from_secs(30))
        .max_open_duration(Duration::from_secs(300))
        .build()
        .unwrap();
    let reg = BreakerRegistry::builder()
        .default_config(cfg)
        .clock(clock.clone())
        .store(store)
        .build()
        .unwrap();
    let b = reg.get("p").unwrap();
    let st = b.status();
    assert_eq!(st.state, State::Open);
    assert_eq!(st.retry_after, Duration::from_secs(300));
    clock.advance(Duration::from_secs(300));
    assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn a_huge_open_duration_is_persisted_without_overflow() {
    // `SystemTime + Duration` panics on overflow: tripping a breaker whose open duration is
    // effectively forever must still persist (saturated), not panic.
    let store: Arc<dyn StateStore> = Arc::new(MemoryStateStore::new());
    let cfg = BreakerConfig::builder()
        .failure_threshold(1)
        .degraded_threshold(None)
        .open_duration(Duration::MAX)
        .max_open_duration(Duration::MAX)
        .build()
        .unwrap();
    let clock = Arc::new(ManualClock::at_unix_ms(1_700_000_000_000));
    let reg = BreakerRegistry::builder()
        .default_config(cfg)
        .clock(clock)
        .store(store.clone())
        .build()
        .unwrap();
    let b = reg.get("p").unwrap();
    b.try_acquire().permit().unwrap().failure();
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.persist_errors(), 0);
    let snap = store.load("p").unwrap().unwrap();
    assert_eq!(
        snap.state,
        PersistedState::Open {
            until_unix_ms: i64::MAX as u64
        }
    );
}

#[test]
fn a_far_future_manual_clock_saturates_instead_of_panicking() {
    use resilience::Clock;
    let far = std::time::SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(i64::MAX as u64 - 10))
        .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
    let clock = ManualClock::new(far);
    clock.advance(Duration::from_secs(3600));
    assert_eq!(clock.wall(), far);
}
