#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod clock;
mod decision;
mod direct;
mod error;
mod gcra;
mod http;
mod ip;
mod keyed;
#[cfg(feature = "tower")]
mod layer;
mod login;
mod multi;
mod penalty;
mod quota;
#[cfg(feature = "redis")]
mod redis_backend;
mod store;

pub use clock::{Clock, CoarseClock, ManualClock, SystemClock};
pub use decision::{Decision, LimitReason};
pub use direct::Limiter;
pub use error::Error;
pub use http::{Policy, RateLimitHeaders, problem_json};
pub use ip::{IpFilter, IpList, IpNet, IpVerdict, UNKNOWN_IP, ip_key};
pub use keyed::{DEFAULT_MAX_KEYS, KeyedBuilder, KeyedLimit, KeyedLimiter};
#[cfg(feature = "tower")]
pub use layer::{RateLimit, RateLimitLayer, too_many_requests};
pub use login::{LockScope, LockoutPolicy, LoginDecision, LoginGuard, LoginGuardBuilder};
pub use multi::{Charge, Limit, SetDecision, check_all};
pub use penalty::{PenaltyBox, PenaltyBuilder};
pub use quota::Quota;
#[cfg(feature = "redis")]
pub use redis_backend::{
    Backend, MAX_KEY_LEN, OnFailure, RedisDecision, RedisLimiter, RedisLimiterBuilder,
};

use std::time::Duration;

/// The `Retry-After` value for a wait: whole seconds, rounded up, so a client that obeys it
/// never retries too early.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let whole = wait.as_secs();
    if wait.subsec_nanos() > 0 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_up() {
        assert_eq!(retry_after_secs(Duration::ZERO), 0);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
    }
}
