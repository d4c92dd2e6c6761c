//! Rate limits (rate-limit's GCRA): per key over every endpoint, and per key × endpoint, with
//! the costly endpoint on its own lower quota. Answers carry the IETF `RateLimit-Policy` /
//! `RateLimit` fields; a refusal is 429 with `Retry-After`.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use rate_limit::{Decision, KeyedLimiter, Quota, check_all};

use crate::config::LimitsConfig;
use crate::error::{ApiError, StartError};
use crate::provider::Endpoint;

/// The gateway's limiters: in memory, or (feature `redis`, `RAMPART_REDIS_URL` set) in Redis,
/// shared by every instance (fail-closed when Redis does not answer).
#[derive(Debug)]
pub struct Limits {
    per_key: KeyedLimiter<String>,
    per_endpoint: KeyedLimiter<String>,
    costly: KeyedLimiter<String>,
    #[cfg(feature = "redis")]
    redis: Option<rate_limit::RedisLimiter>,
}

fn quota(name: &str, text: &str) -> Result<Quota, StartError> {
    text.parse()
        .map_err(|e: rate_limit::Error| StartError::Config(format!("limits.{name} {text:?}: {e}")))
}

fn keyed(q: Quota) -> Result<KeyedLimiter<String>, StartError> {
    KeyedLimiter::builder(q)
        .build()
        .map_err(|e| StartError::Component {
            component: "rate-limit",
            reason: e.to_string(),
        })
}

/// Policy names as they appear in the headers.
const NAMES: [&str; 3] = ["key", "endpoint", "costly"];

impl Limits {
    /// Builds the limiters from the configured quotas; with `redis_url` (feature `redis`), the
    /// limits live in Redis under `redis_prefix`.
    pub fn new(
        config: &LimitsConfig,
        redis_url: Option<&str>,
        redis_prefix: &str,
    ) -> Result<Self, StartError> {
        let (k, e, c) = (
            quota("per_key", &config.per_key)?,
            quota("per_endpoint", &config.per_endpoint)?,
            quota("costly", &config.costly)?,
        );
        #[cfg(feature = "redis")]
        let redis = match redis_url {
            Some(url) => Some(
                rate_limit::RedisLimiter::builder(url, redis_prefix)
                    .limit(NAMES[0], k)
                    .limit(NAMES[1], e)
                    .limit(NAMES[2], c)
                    .build()
                    .map_err(|e| StartError::Component {
                        component: "rate-limit (redis)",
                        reason: e.to_string(),
                    })?,
            ),
            None => None,
        };
        #[cfg(not(feature = "redis"))]
        if redis_url.is_some() {
            let _ = redis_prefix;
            tracing::warn!(
                "RAMPART_REDIS_URL is set but this build has no `redis` feature: limits stay in memory"
            );
        }
        Ok(Self {
            per_key: keyed(k)?,
            per_endpoint: keyed(e)?,
            costly: keyed(c)?,
            #[cfg(feature = "redis")]
            redis,
        })
    }

    /// Whether the limits are shared through Redis.
    pub fn shared(&self) -> bool {
        #[cfg(feature = "redis")]
        return self.redis.is_some();
        #[cfg(not(feature = "redis"))]
        false
    }

    /// Charges one request of `key_id` on `endpoint` against every applicable limit (all or
    /// none), in Redis when configured. `Ok` carries the headers for the answer; `Err` is the
    /// 429.
    pub async fn check_shared(
        &self,
        key_id: &str,
        endpoint: Endpoint,
    ) -> Result<HeaderMap, ApiError> {
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.redis {
            let (name, sub_key, q) = match endpoint {
                Endpoint::Speech => (NAMES[2], key_id.to_owned(), self.costly.quota()),
                other => (
                    NAMES[1],
                    format!("{}:{key_id}", other.name()),
                    self.per_endpoint.quota(),
                ),
            };
            let answer = redis
                .check(&[(NAMES[0], key_id, 1), (name, &sub_key, 1)])
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "rate limit misconfigured");
                    ApiError::internal()
                })?;
            if let rate_limit::Backend::Failed { error, .. } = &answer.backend {
                tracing::error!(error = %error, "redis rate limiter failed; failing closed");
            }
            let (policy_name, q) = if answer.set.index == 0 {
                (NAMES[0], self.per_key.quota())
            } else {
                (name, q)
            };
            let headers = rate_headers(policy_name, q, &answer.set.decision);
            return match answer.set.decision {
                Decision::Allowed { .. } => Ok(headers),
                Decision::Limited { retry_after, .. } => {
                    Err(ApiError::rate_limited(retry_after, headers))
                }
            };
        }
        self.check(key_id, endpoint)
    }

    /// Charges one request of `key_id` on `endpoint` against the in-memory limits (all or
    /// none). `Ok` carries the headers for the answer; `Err` is the 429.
    pub fn check(&self, key_id: &str, endpoint: Endpoint) -> Result<HeaderMap, ApiError> {
        let (second, name, sub_key) = match endpoint {
            Endpoint::Speech => (&self.costly, NAMES[2], key_id.to_owned()),
            other => (
                &self.per_endpoint,
                NAMES[1],
                format!("{}:{key_id}", other.name()),
            ),
        };
        let first = self.per_key.key(key_id);
        let second_limit = second.key(sub_key.as_str());
        let set = check_all(&[(&first, 1), (&second_limit, 1)]).map_err(|e| {
            tracing::error!(error = %e, "rate limit misconfigured");
            ApiError::internal()
        })?;
        let (policy_name, q) = if set.index == 0 {
            (NAMES[0], self.per_key.quota())
        } else {
            (name, second.quota())
        };
        let headers = rate_headers(policy_name, q, &set.decision);
        match set.decision {
            Decision::Allowed { .. } => Ok(headers),
            Decision::Limited { retry_after, .. } => {
                Err(ApiError::rate_limited(retry_after, headers))
            }
        }
    }
}

fn rate_headers(name: &str, quota: &Quota, decision: &Decision) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let window = quota.window().as_secs().max(1);
    let policy = format!("\"{name}\";q={};w={window}", quota.burst());
    let reset = rate_limit::retry_after_secs(if decision.is_allowed() {
        decision.reset_after()
    } else {
        decision.retry_after()
    });
    let state = format!("\"{name}\";r={};t={reset}", decision.remaining());
    for (header, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(header), v);
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(costly: &str) -> Limits {
        Limits::new(
            &LimitsConfig {
                per_key: "100/min".into(),
                per_endpoint: "3/min".into(),
                costly: costly.into(),
                ..LimitsConfig::default()
            },
            None,
            "",
        )
        .unwrap()
    }

    #[test]
    fn endpoint_quota_then_429_with_retry_after() {
        let l = limits("1/min");
        for _ in 0..3 {
            let h = l.check("k1", Endpoint::Chat).unwrap();
            assert!(h.get("ratelimit").is_some());
        }
        let refused = l.check("k1", Endpoint::Chat).unwrap_err();
        assert_eq!(refused.status().as_u16(), 429);
        // Another endpoint and another key are unaffected.
        assert!(l.check("k1", Endpoint::Embeddings).is_ok());
        assert!(l.check("k2", Endpoint::Chat).is_ok());
    }

    #[test]
    fn costly_endpoint_has_its_own_lower_quota() {
        let l = limits("1/min");
        assert!(l.check("k1", Endpoint::Speech).is_ok());
        assert!(l.check("k1", Endpoint::Speech).is_err());
        assert!(l.check("k1", Endpoint::Chat).is_ok());
    }

    #[test]
    fn bad_quota_stops_the_start() {
        let err = Limits::new(
            &LimitsConfig {
                costly: "lots".into(),
                ..LimitsConfig::default()
            },
            None,
            "",
        )
        .unwrap_err();
        assert!(err.to_string().contains("limits.costly"));
    }
}
