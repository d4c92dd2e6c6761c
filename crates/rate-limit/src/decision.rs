//! The outcome of a check.

use std::time::Duration;

/// What a limiter answers. Being limited is a normal outcome, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a rate-limit decision must be acted on"]
pub enum Decision {
    /// The request was admitted and its cost charged.
    Allowed {
        /// Units still available right now (what a request of that cost would be admitted with).
        remaining: u32,
        /// Time until the bucket is full again if nothing else is charged.
        reset_after: Duration,
    },
    /// The request was refused and nothing was charged.
    Limited {
        /// The exact wait after which the same request would be admitted (if nothing else is
        /// charged meanwhile). For `Retry-After`, use [`crate::retry_after_secs`].
        retry_after: Duration,
        /// Units available right now (less than the cost asked for).
        remaining: u32,
        /// Time until the bucket is full again.
        reset_after: Duration,
        /// Why the request was refused.
        reason: LimitReason,
    },
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitReason {
    /// The quota is used up.
    Quota,
    /// A keyed limiter is at its key cap and the key is new: see
    /// [`KeyedLimiter`](crate::KeyedLimiter) for the policy.
    KeyCapacity,
    /// The key sits in the penalty box after sustained limiting.
    Penalty,
    /// The shared backend (Redis) failed and the host chose to fail closed.
    BackendUnavailable,
}

impl Decision {
    /// `true` for [`Decision::Allowed`].
    #[inline]
    pub const fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }

    /// The wait before a retry: zero when allowed.
    #[inline]
    pub const fn retry_after(&self) -> Duration {
        match self {
            Decision::Allowed { .. } => Duration::ZERO,
            Decision::Limited { retry_after, .. } => *retry_after,
        }
    }

    /// Units available right now.
    #[inline]
    pub const fn remaining(&self) -> u32 {
        match self {
            Decision::Allowed { remaining, .. } | Decision::Limited { remaining, .. } => *remaining,
        }
    }

    /// Time until the bucket is full again.
    #[inline]
    pub const fn reset_after(&self) -> Duration {
        match self {
            Decision::Allowed { reset_after, .. } | Decision::Limited { reset_after, .. } => {
                *reset_after
            }
        }
    }
}
