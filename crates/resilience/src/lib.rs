#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod breaker;
mod clock;
mod error;
mod headers;
mod idempotency;
mod limiter;
mod persist;
#[cfg(all(feature = "redis", feature = "tokio"))]
mod redis_async;
#[cfg(feature = "redis")]
mod redis_store;
mod retry;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use breaker::{
    Admission, BreakerConfig, BreakerConfigBuilder, BreakerRegistry, BreakerRegistryBuilder,
    BreakerStatus, CircuitBreaker, FailureCounting, Outcome, Permit, State,
};
pub use clock::{Clock, ManualClock, SharedClock, SystemClock};
pub use error::Error;
pub use headers::{
    MAX_HEADER_LEN, UNIX_TIMESTAMP_FROM, parse_duration, parse_ratelimit, parse_reset,
    parse_retry_after, retry_delay,
};
pub use idempotency::{
    Begin, Fingerprint, IdempotencyConfig, IdempotencyConfigBuilder, IdempotencyStore, MAX_KEY_LEN,
    RunGuard, Waiter, idempotency_key, validate_key,
};
pub use limiter::{
    Acquire, ConcurrencyLimiter, InFlight, LimiterConfig, LimiterConfigBuilder, Priority,
    ShedReason,
};
pub use persist::{BreakerSnapshot, MemoryStateStore, PersistedState, StateStore};
#[cfg(all(feature = "redis", feature = "tokio"))]
pub use redis_async::{
    AsyncRedisBegin, AsyncRedisIdempotencyStore, AsyncRedisRunGuard, AsyncRedisWaiter,
};
#[cfg(feature = "redis")]
pub use redis_store::{RedisBegin, RedisIdempotencyStore, RedisRunGuard, RedisWaiter};
pub use retry::{
    GaveUp, GuardedError, Jitter, RetryBudget, RetryDecision, RetryError, RetryPolicy,
    RetryPolicyBuilder, Verdict,
};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStateStore;

use std::time::Duration;

/// The upper bound of the backoff before retry number `attempt` (0-based): `base * 2^attempt`,
/// capped at `cap`. Full jitter then draws the actual wait uniformly from `0..=bound`.
pub fn backoff_bound(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
    base.checked_mul(factor).map_or(cap, |d| d.min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn shared_types_are_send_and_sync() {
        send_sync::<CircuitBreaker>();
        send_sync::<BreakerRegistry>();
        send_sync::<Permit>();
        send_sync::<RetryPolicy>();
        send_sync::<IdempotencyStore<Vec<u8>>>();
        send_sync::<RunGuard<Vec<u8>>>();
        send_sync::<Waiter<Vec<u8>>>();
        send_sync::<ConcurrencyLimiter>();
        send_sync::<InFlight>();
        send_sync::<Error>();
    }

    #[test]
    fn doubles_then_caps() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(5);
        assert_eq!(backoff_bound(base, cap, 0), base);
        assert_eq!(backoff_bound(base, cap, 3), Duration::from_millis(800));
        assert_eq!(backoff_bound(base, cap, 10), cap);
        assert_eq!(backoff_bound(base, cap, u32::MAX), cap);
    }
}
