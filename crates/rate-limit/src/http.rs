//! HTTP answers: `Retry-After`, the IETF `RateLimit-Policy` / `RateLimit` fields
//! (draft-ietf-httpapi-ratelimit-headers-10), the legacy `X-RateLimit-*` fields and an
//! RFC 9457 problem+json body. Framework-neutral: names and values as strings.

use crate::{Decision, Error, LimitReason, Quota, retry_after_secs};
use std::fmt::Write as _;

/// A named quota as advertised to clients.
///
/// The name is what clients see in `RateLimit-Policy` and `RateLimit`; it must be 1 to 64
/// characters of `A-Z a-z 0-9 _ - .` so that it needs no escaping in a structured-field
/// string. Never put a user's key in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    name: String,
    quota: Quota,
    policy_header: String,
}

impl Policy {
    /// A policy named `name` for `quota`.
    ///
    /// # Errors
    /// [`Error::InvalidPolicyName`] for an empty, long or non-token name.
    pub fn new(name: &str, quota: Quota) -> Result<Self, Error> {
        if name.is_empty() || name.len() > 64 {
            return Err(Error::InvalidPolicyName {
                reason: "1 to 64 characters",
            });
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return Err(Error::InvalidPolicyName {
                reason: "only A-Z a-z 0-9 _ - . are allowed",
            });
        }
        let policy_header = format!(
            "\"{name}\";q={};w={}",
            quota.burst(),
            retry_after_secs(quota.window()).max(1)
        );
        Ok(Policy {
            name: name.to_owned(),
            quota,
            policy_header,
        })
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The quota.
    pub fn quota(&self) -> &Quota {
        &self.quota
    }

    /// The `RateLimit-Policy` value: `"name";q=<burst>;w=<seconds to refill the burst>`.
    pub fn policy_header(&self) -> &str {
        &self.policy_header
    }
}

/// The header fields for one decision under one policy.
///
/// ```
/// use rate_limit::{Decision, LimitReason, Policy, RateLimitHeaders};
/// use std::time::Duration;
/// let policy = Policy::new("api", "100/min".parse().unwrap()).unwrap();
/// let d = Decision::Limited {
///     retry_after: Duration::from_millis(1200),
///     remaining: 0,
///     reset_after: Duration::from_millis(59_500),
///     reason: LimitReason::Quota,
/// };
/// let h = RateLimitHeaders::new(&policy, &d);
/// assert_eq!(h.retry_after, Some(2));
/// assert_eq!(h.policy, "\"api\";q=100;w=60");
/// assert_eq!(h.rate_limit, "\"api\";r=0;t=60");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// `Retry-After` in whole seconds rounded up (at least 1), on refusals only.
    pub retry_after: Option<u64>,
    /// `RateLimit-Policy`.
    pub policy: String,
    /// `RateLimit`: `"name";r=<remaining>;t=<seconds until full>`.
    pub rate_limit: String,
    /// `X-RateLimit-Limit` (the burst).
    pub legacy_limit: u32,
    /// `X-RateLimit-Remaining`.
    pub legacy_remaining: u32,
    /// `X-RateLimit-Reset`: seconds until the bucket is full (a delta, not an epoch time).
    pub legacy_reset: u64,
}

impl RateLimitHeaders {
    /// The fields for `decision` under `policy`.
    pub fn new(policy: &Policy, decision: &Decision) -> Self {
        let reset = retry_after_secs(decision.reset_after());
        let mut rate_limit = String::with_capacity(policy.name.len() + 24);
        let _ = write!(
            rate_limit,
            "\"{}\";r={};t={}",
            policy.name,
            decision.remaining(),
            reset
        );
        RateLimitHeaders {
            retry_after: (!decision.is_allowed())
                .then(|| retry_after_secs(decision.retry_after()).max(1)),
            policy: policy.policy_header.clone(),
            rate_limit,
            legacy_limit: policy.quota.burst(),
            legacy_remaining: decision.remaining(),
            legacy_reset: reset,
        }
    }

    /// The fields as `(name, value)` pairs, the legacy ones when `legacy` is set.
    pub fn pairs(&self, legacy: bool) -> Vec<(&'static str, String)> {
        let mut v = Vec::with_capacity(6);
        if let Some(s) = self.retry_after {
            v.push(("retry-after", s.to_string()));
        }
        v.push(("ratelimit-policy", self.policy.clone()));
        v.push(("ratelimit", self.rate_limit.clone()));
        if legacy {
            v.push(("x-ratelimit-limit", self.legacy_limit.to_string()));
            v.push(("x-ratelimit-remaining", self.legacy_remaining.to_string()));
            v.push(("x-ratelimit-reset", self.legacy_reset.to_string()));
        }
        v
    }
}

/// An RFC 9457 `application/problem+json` body for a 429. It names the policy and the wait,
/// never the key.
pub fn problem_json(policy: &Policy, decision: &Decision) -> String {
    let secs = retry_after_secs(decision.retry_after()).max(1);
    let detail = match decision {
        Decision::Limited {
            reason: LimitReason::Penalty,
            ..
        } => "Suspended after repeated limiting",
        Decision::Limited {
            reason: LimitReason::KeyCapacity,
            ..
        } => "The service is tracking too many clients; try again later",
        Decision::Limited {
            reason: LimitReason::BackendUnavailable,
            ..
        } => "Rate limiting is temporarily unavailable; try again later",
        _ => "Rate limit exceeded",
    };
    format!(
        "{{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,\
         \"detail\":\"{detail}; retry after {secs} s\",\"policy\":\"{}\",\"retry_after\":{secs}}}",
        policy.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn names_are_checked() {
        let q: Quota = "1/s".parse().unwrap();
        for bad in ["", "a b", "a\"b", "é", &"x".repeat(65), "a;b", "a,b"] {
            assert!(matches!(
                Policy::new(bad, q),
                Err(Error::InvalidPolicyName { .. })
            ));
        }
        assert!(Policy::new("per-key_v1.speech", q).is_ok());
    }

    #[test]
    fn allowed_headers_and_burst_policy() {
        let p = Policy::new("k", "10/s burst 20".parse().unwrap()).unwrap();
        assert_eq!(p.policy_header(), "\"k\";q=20;w=2");
        let d = Decision::Allowed {
            remaining: 19,
            reset_after: Duration::from_millis(100),
        };
        let h = RateLimitHeaders::new(&p, &d);
        assert_eq!(h.retry_after, None);
        assert_eq!(h.rate_limit, "\"k\";r=19;t=1");
        let pairs = h.pairs(true);
        assert_eq!(pairs.len(), 5);
        assert_eq!(pairs[2], ("x-ratelimit-limit", "20".to_string()));
        let body = problem_json(&p, &d);
        assert!(body.contains("\"status\":429"));
    }
}
