//! resilience around the provider: a circuit breaker (consecutive failures open it; the open
//! time grows with failed probes, up to a cap; half-open admits bounded probes with deadlines)
//! and concurrency limits per key and over the whole gateway (load shedding with 503).

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use resilience::{
    Acquire, Admission, BreakerConfig, CircuitBreaker, ConcurrencyLimiter, IdempotencyConfig,
    IdempotencyStore, InFlight, LimiterConfig, Priority,
};

use crate::config::LimitsConfig;
use crate::error::{ApiError, StartError, retry_after_secs};
use crate::provider::{Reply, UpstreamError};

/// A stored answer, replayed to duplicates of an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct StoredAnswer {
    /// Status code.
    pub status: StatusCode,
    /// Content type.
    pub content_type: Option<HeaderValue>,
    /// Body.
    pub body: axum::body::Bytes,
}

/// The breaker, the limiter and the idempotency store.
#[derive(Debug)]
pub struct Resilience {
    breaker: CircuitBreaker,
    limiter: ConcurrencyLimiter,
    /// `Idempotency-Key` store (in memory; 24 h window).
    pub idempotency: IdempotencyStore<StoredAnswer>,
}

fn component(e: resilience::Error) -> StartError {
    StartError::Component {
        component: "resilience",
        reason: e.to_string(),
    }
}

impl Resilience {
    /// Five consecutive provider failures open the breaker for 5 s, doubling per failed probe
    /// up to 60 s; one probe at a time, with a 30 s deadline.
    pub fn new(limits: &LimitsConfig) -> Result<Self, StartError> {
        let config = BreakerConfig::builder()
            .failure_threshold(5)
            .open_duration(Duration::from_secs(5))
            .max_open_duration(Duration::from_secs(60))
            .half_open_probes(1)
            .probe_timeout(Duration::from_secs(30))
            .build()
            .map_err(component)?;
        let limiter = LimiterConfig::builder()
            .global(limits.concurrent_total as usize)
            .per_key(limits.concurrent_per_key as usize)
            .build()
            .map_err(component)?;
        let idempotency = IdempotencyConfig::builder()
            .ttl(Duration::from_secs(24 * 3600))
            .lease(Duration::from_secs(150))
            .build()
            .map_err(component)?;
        Ok(Self {
            breaker: CircuitBreaker::new("provider", config).map_err(component)?,
            limiter: ConcurrencyLimiter::new(limiter),
            idempotency: IdempotencyStore::new(idempotency),
        })
    }

    /// A slot for one request of `key_id` (503 when the key or the gateway is at capacity).
    pub fn enter(&self, key_id: &str) -> Result<InFlight, ApiError> {
        match self.limiter.try_acquire(key_id, Priority::Normal) {
            Acquire::Admitted(guard) => Ok(guard),
            Acquire::Shed(reason) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "CONCURRENCY_001",
                format!("too many requests in flight ({reason:?}); retry shortly"),
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))),
        }
    }

    /// Runs one provider call through the breaker. Failures that speak about the provider
    /// (5xx, 429, timeouts, transport errors) count; client-caused 4xx do not.
    pub async fn call<F>(&self, call: F) -> Result<Reply, ApiError>
    where
        F: Future<Output = Result<Reply, UpstreamError>>,
    {
        let permit = match self.breaker.try_acquire() {
            Admission::Admitted(permit) => permit,
            Admission::Rejected { retry_after, .. } => {
                let secs = retry_after_secs(retry_after);
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "UPSTREAM_002",
                    "the provider is failing; the circuit breaker is open",
                )
                .with_header(header::RETRY_AFTER, HeaderValue::from(secs)));
            }
        };
        match call.await {
            Ok(reply) => {
                permit.success();
                Ok(reply)
            }
            Err(e) => {
                match &e {
                    UpstreamError::Status { status, .. }
                        if (400..500).contains(status) && *status != 429 =>
                    {
                        permit.ignore();
                    }
                    _ => permit.failure(),
                }
                tracing::warn!(error = %e, "provider call failed");
                Err(ApiError::upstream("the provider failed; try again later"))
            }
        }
    }
}
