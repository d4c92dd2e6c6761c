//! resilience around the provider: a circuit breaker (consecutive failures open it; the open
//! time grows with failed probes, up to a cap; half-open admits bounded probes with deadlines)
//! and concurrency limits per key and over the whole gateway (load shedding with 503); and the
//! `Idempotency-Key` store: in memory (bounded by entries and by stored bytes) or, with feature
//! `redis` and `RAMPART_REDIS_URL`, in Redis shared by every instance. Answers stored in Redis
//! are encrypted (envelope-encryption v2, binary form) under a key derived from
//! `RAMPART_KEY_PEPPER` and bound to their Redis key: see [`idempotency_key`].

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use envelope_encryption::SecretKey;
#[cfg(feature = "redis")]
use envelope_encryption::{Cipher, Context, KeyRing};
use resilience::{
    Acquire, Admission, Begin, BreakerConfig, CircuitBreaker, ConcurrencyLimiter, Fingerprint,
    IdempotencyConfig, IdempotencyStore, InFlight, LimiterConfig, Priority, RunGuard, Waiter,
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

impl StoredAnswer {
    /// What the answer weighs against the in-memory store's byte budget.
    pub fn weight(&self) -> usize {
        self.body.len() + self.content_type.as_ref().map_or(0, HeaderValue::len) + 2
    }

    /// Status (2 bytes, big endian) ‖ content-type length (2 bytes) ‖ content type ‖ body: the
    /// record stored in Redis.
    pub fn encode(&self) -> Vec<u8> {
        let ct = self
            .content_type
            .as_ref()
            .map_or(&[][..], HeaderValue::as_bytes);
        let ct = ct
            .get(..ct.len().min(usize::from(u16::MAX)))
            .unwrap_or_default();
        let mut out = Vec::with_capacity(4 + ct.len() + self.body.len());
        out.extend_from_slice(&self.status.as_u16().to_be_bytes());
        out.extend_from_slice(&u16::try_from(ct.len()).unwrap_or(0).to_be_bytes());
        out.extend_from_slice(ct);
        out.extend_from_slice(&self.body);
        out
    }

    /// Decodes [`StoredAnswer::encode`]'s record; `None` when it is not one.
    pub fn decode(raw: &[u8]) -> Option<Self> {
        let (status, rest) = raw.split_first_chunk::<2>()?;
        let (len, rest) = rest.split_first_chunk::<2>()?;
        let (ct, body) = rest.split_at_checked(usize::from(u16::from_be_bytes(*len)))?;
        Some(Self {
            status: StatusCode::from_u16(u16::from_be_bytes(*status)).ok()?,
            content_type: if ct.is_empty() {
                None
            } else {
                Some(HeaderValue::from_bytes(ct).ok()?)
            },
            body: axum::body::Bytes::copy_from_slice(body),
        })
    }
}

/// Where `Idempotency-Key` records live.
#[derive(Debug)]
pub enum Idempotency {
    /// In this process: 24 h window, at most 100 000 entries and `idempotency_max_bytes` of
    /// stored answers.
    Memory(IdempotencyStore<StoredAnswer>),
    /// In Redis (feature `redis`), shared by every instance with the same `redis_prefix`.
    #[cfg(feature = "redis")]
    Redis(Arc<RedisIdempotency>),
}

/// The Redis store and the cipher that seals its answers.
#[cfg(feature = "redis")]
#[derive(Debug)]
pub struct RedisIdempotency {
    store: resilience::AsyncRedisIdempotencyStore,
    /// `{redis_prefix}:idem:`, the prefix of every record key.
    prefix: String,
    cipher: Cipher,
}

#[cfg(feature = "redis")]
impl RedisIdempotency {
    /// The Redis key of the record for `key` (what the seal is bound to).
    fn record_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn seal(
        &self,
        key: &str,
        answer: &StoredAnswer,
    ) -> Result<Vec<u8>, envelope_encryption::Error> {
        let record = self.record_key(key);
        let plain = zeroize::Zeroizing::new(answer.encode());
        self.cipher
            .encrypt_to_binary(&plain, &answer_context(&record))
    }

    /// The answer sealed under `key`; `CorruptRecord` when it does not decrypt (another key,
    /// another record key, tampered) or does not decode. Never returned to a client then.
    fn open(&self, key: &str, raw: &[u8]) -> Result<StoredAnswer, resilience::Error> {
        let record = self.record_key(key);
        let plain = self
            .cipher
            .decrypt_binary(raw, &answer_context(&record))
            .map(zeroize::Zeroizing::new)
            .map_err(|e| {
                tracing::error!(error = %e, "idempotency record in redis does not decrypt; ignored");
                resilience::Error::CorruptRecord
            })?;
        StoredAnswer::decode(&plain).ok_or(resilience::Error::CorruptRecord)
    }
}

/// What a stored answer is bound to: its Redis record key.
#[cfg(feature = "redis")]
fn answer_context(record_key: &str) -> Context<'_> {
    Context::new("idempotency", "answer", record_key)
}

/// Label of the idempotency key derivation (the scrypt salt): a new label is a new key.
pub const IDEMPOTENCY_KEY_LABEL: &[u8] = b"rampart-gateway idempotency v1";

/// The key sealing `Idempotency-Key` answers in Redis, derived from the shared secret
/// (`RAMPART_KEY_PEPPER`, which every instance must share when Redis is on): scrypt through
/// envelope-encryption's [`SecretKey::derive`] with the fixed salt [`IDEMPOTENCY_KEY_LABEL`].
/// The secret is already high-entropy (checked by key-format's `check_secret`), so the cost
/// parameters are the minimum (`N = 2, r = 1, p = 1`): scrypt is used here as a keyed PRF
/// (PBKDF2-HMAC-SHA256 around a trivial mix), not to stretch a password. Different labels give
/// independent keys, so this key is not the pepper itself nor any other key derived from it.
pub fn idempotency_key(secret: &[u8]) -> Result<SecretKey, envelope_encryption::Error> {
    let params = envelope_encryption::ScryptParams::new(1, 1, 1)?;
    SecretKey::derive(secret, IDEMPOTENCY_KEY_LABEL, &params)
}

/// The answer of [`Idempotency::begin`].
#[derive(Debug)]
pub enum IdemBegin {
    /// First request with this key (on any instance): run it, then complete the guard.
    Run(IdemGuard),
    /// A completed duplicate: its stored answer.
    Replay(Arc<StoredAnswer>),
    /// The first request is still running (here or elsewhere): wait for it.
    Wait(IdemWaiter),
}

/// Held by the request that runs.
#[derive(Debug)]
pub enum IdemGuard {
    /// In memory.
    Memory(RunGuard<StoredAnswer>),
    /// In Redis.
    #[cfg(feature = "redis")]
    Redis {
        /// The Redis guard.
        guard: resilience::AsyncRedisRunGuard,
        /// The store (for the cipher).
        store: Arc<RedisIdempotency>,
        /// The scoped idempotency key.
        key: String,
    },
}

/// Held by a duplicate of an in-flight request.
#[derive(Debug)]
pub enum IdemWaiter {
    /// In memory.
    Memory(Waiter<StoredAnswer>),
    /// In Redis.
    #[cfg(feature = "redis")]
    Redis {
        /// The Redis waiter.
        waiter: resilience::AsyncRedisWaiter,
        /// The store (for the cipher).
        store: Arc<RedisIdempotency>,
        /// The scoped idempotency key.
        key: String,
    },
}

impl Idempotency {
    /// Starts a request under `key` with content `fp` (resilience's errors as they are).
    pub async fn begin(&self, key: &str, fp: Fingerprint) -> Result<IdemBegin, resilience::Error> {
        match self {
            Self::Memory(store) => Ok(match store.begin(key, fp)? {
                Begin::Run(g) => IdemBegin::Run(IdemGuard::Memory(g)),
                Begin::Replay(a) => IdemBegin::Replay(a),
                Begin::Wait(w) => IdemBegin::Wait(IdemWaiter::Memory(w)),
            }),
            #[cfg(feature = "redis")]
            Self::Redis(store) => Ok(match store.store.begin(key, fp).await? {
                resilience::AsyncRedisBegin::Run(guard) => IdemBegin::Run(IdemGuard::Redis {
                    guard,
                    store: store.clone(),
                    key: key.to_owned(),
                }),
                resilience::AsyncRedisBegin::Replay(raw) => {
                    IdemBegin::Replay(Arc::new(store.open(key, &raw)?))
                }
                resilience::AsyncRedisBegin::Wait(waiter) => IdemBegin::Wait(IdemWaiter::Redis {
                    waiter,
                    store: store.clone(),
                    key: key.to_owned(),
                }),
            }),
        }
    }

    /// Whether the records are shared through Redis.
    pub fn shared(&self) -> bool {
        !matches!(self, Self::Memory(_))
    }
}

impl IdemGuard {
    /// Stores `answer` for the window and hands it to the waiters. With Redis, a failure to
    /// store is logged and otherwise ignored: the client still gets its answer, and the
    /// in-flight marker expires with its lease (duplicates meanwhile wait, then get 409).
    pub async fn complete(self, answer: StoredAnswer) {
        match self {
            Self::Memory(g) => {
                let weight = answer.weight();
                g.complete_weighted(answer, weight);
            }
            #[cfg(feature = "redis")]
            Self::Redis { guard, store, key } => match store.seal(&key, &answer) {
                Ok(sealed) => {
                    if let Err(e) = guard.complete(&sealed).await {
                        tracing::error!(error = %e, "idempotency record not stored in redis");
                    }
                }
                Err(e) => {
                    // Nothing stored in plaintext: the key is released (dropping the guard).
                    tracing::error!(error = %e, "idempotency record not sealed; not stored");
                    drop(guard);
                }
            },
        }
    }

    /// Frees the key without storing anything (the answer is not replayed).
    pub fn release(self) {
        // Dropping releases (the Redis guard from a spawned task).
        drop(self);
    }
}

impl IdemWaiter {
    /// Waits for the first request's answer (see resilience's `wait_async` / `wait`).
    pub async fn wait_async(
        self,
        timeout: Duration,
    ) -> Result<Arc<StoredAnswer>, resilience::Error> {
        match self {
            Self::Memory(w) => w.wait_async(timeout).await,
            #[cfg(feature = "redis")]
            Self::Redis { waiter, store, key } => {
                let raw = waiter.wait(timeout).await?;
                store.open(&key, &raw).map(Arc::new)
            }
        }
    }
}

/// The breaker, the limiter and the idempotency store.
#[derive(Debug)]
pub struct Resilience {
    breaker: CircuitBreaker,
    limiter: ConcurrencyLimiter,
    /// `Idempotency-Key` store (24 h window; in memory, or in Redis).
    pub idempotency: Idempotency,
}

fn component(e: resilience::Error) -> StartError {
    StartError::Component {
        component: "resilience",
        reason: e.to_string(),
    }
}

impl Resilience {
    /// Five consecutive provider failures open the breaker for 5 s, doubling per failed probe
    /// up to 60 s; one probe at a time, with a 30 s deadline. With `redis_url` (feature
    /// `redis`), idempotency records live in Redis under `{redis_prefix}:idem:`, their answers
    /// sealed under `answer_key` (see [`idempotency_key`]).
    pub fn new(
        limits: &LimitsConfig,
        redis_url: Option<&str>,
        redis_prefix: &str,
        answer_key: SecretKey,
    ) -> Result<Self, StartError> {
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
            .max_bytes(limits.idempotency_max_bytes)
            .build()
            .map_err(component)?;
        #[cfg(feature = "redis")]
        let idempotency = match redis_url {
            Some(url) => {
                let prefix = format!("{redis_prefix}:idem:");
                let ring = KeyRing::builder()
                    .primary(1, answer_key)
                    .build()
                    .map_err(|e| StartError::Component {
                        component: "envelope-encryption",
                        reason: e.to_string(),
                    })?;
                Idempotency::Redis(Arc::new(RedisIdempotency {
                    store: resilience::AsyncRedisIdempotencyStore::open(url, &prefix, idempotency)
                        .map_err(component)?,
                    prefix,
                    cipher: Cipher::new(ring),
                }))
            }
            None => Idempotency::Memory(IdempotencyStore::new(idempotency)),
        };
        #[cfg(not(feature = "redis"))]
        let idempotency = {
            let _ = (redis_url, redis_prefix, answer_key);
            Idempotency::Memory(IdempotencyStore::new(idempotency))
        };
        Ok(Self {
            breaker: CircuitBreaker::new("provider", config).map_err(component)?,
            limiter: ConcurrencyLimiter::new(limiter),
            idempotency,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idempotency_key_is_shared_by_every_instance_and_bound_to_the_secret() {
        let pepper = b"Zq3v8Kp1Lw9Xr2Ty6Ub4Nc7Md0Fe5Gh!sJ";
        let a = idempotency_key(pepper).unwrap();
        let b = idempotency_key(pepper).unwrap();
        // Every instance with the same pepper derives the same key (they replay each other's).
        assert_eq!(a.expose_secret(), b.expose_secret());
        // Another pepper, another key; and the key is not the pepper's bytes.
        let other = idempotency_key(b"Zq3v8Kp1Lw9Xr2Ty6Ub4Nc7Md0Fe5Gh!sK").unwrap();
        assert_ne!(a.expose_secret(), other.expose_secret());
        assert_ne!(&a.expose_secret()[..], &pepper[..32]);
        // The same derivation, spelled out: scrypt(pepper, label, N=2, r=1, p=1), 32 bytes.
        let mut direct = [0u8; 32];
        envelope_encryption::ScryptParams::new(1, 1, 1)
            .unwrap()
            .derive_into(pepper, IDEMPOTENCY_KEY_LABEL, &mut direct)
            .unwrap();
        assert_eq!(a.expose_secret(), &direct);
    }

    #[test]
    fn stored_answers_round_trip_through_their_redis_encoding() {
        for answer in [
            StoredAnswer {
                status: StatusCode::OK,
                content_type: Some(HeaderValue::from_static("application/json")),
                body: axum::body::Bytes::from_static(b"{\"a\":1}"),
            },
            StoredAnswer {
                status: StatusCode::CREATED,
                content_type: None,
                body: axum::body::Bytes::new(),
            },
        ] {
            let back = StoredAnswer::decode(&answer.encode()).unwrap();
            assert_eq!(back.status, answer.status);
            assert_eq!(back.content_type, answer.content_type);
            assert_eq!(back.body, answer.body);
        }
        // Truncated or foreign records are refused, never misread.
        for bad in [
            &b""[..],
            b"\x00",
            b"\x00\xc8\x00\x10short",
            b"\x00\x00\x00\x00",
        ] {
            assert!(StoredAnswer::decode(bad).is_none(), "{bad:?}");
        }
    }
}
