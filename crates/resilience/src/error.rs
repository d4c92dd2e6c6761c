//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material (no
/// idempotency key, request body or stored response is ever quoted).
///
/// A normal negative outcome is not an error: an open breaker answers
/// [`Admission::Rejected`](crate::Admission::Rejected), a full limiter answers
/// [`Acquire::Shed`](crate::Acquire::Shed). Errors are for misuse, broken input and broken
/// backends.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The circuit is open: the call was not attempted.
    #[error("circuit open")]
    CircuitOpen,
    /// A builder was given a configuration that cannot work; the message names the field.
    #[error("invalid configuration: {0}")]
    InvalidConfig(&'static str),
    /// The breaker registry already holds its maximum number of named breakers.
    #[error("breaker registry is full ({max} names)")]
    TooManyBreakers {
        /// The configured maximum.
        max: usize,
    },
    /// A breaker name was empty or longer than 256 bytes.
    #[error("invalid breaker name (1..=256 bytes required)")]
    InvalidBreakerName,

    /// A header value was empty (or only whitespace).
    #[error("empty header value")]
    EmptyHeader,
    /// A header value was longer than the parsers accept (256 bytes).
    #[error("header value too long")]
    HeaderTooLong,
    /// A header value held bytes that are not visible ASCII.
    #[error("header value is not visible ASCII")]
    HeaderNotAscii,
    /// A number in a header value could not be parsed.
    #[error("invalid number in header value")]
    InvalidNumber,
    /// A duration carried a unit other than `h`, `m`, `s`, `ms`, `us`/`µs`, `ns`.
    #[error("unknown duration unit in header value")]
    UnknownUnit,
    /// A value was neither delay-seconds nor a valid HTTP date.
    #[error("invalid HTTP date in header value")]
    InvalidDate,
    /// A delay did not fit a `Duration` (or was negative).
    #[error("delay out of range")]
    DelayOutOfRange,
    /// A structured `RateLimit` header had no reset parameter.
    #[error("RateLimit header without a reset parameter")]
    MissingReset,

    /// An idempotency key was empty, longer than 255 bytes, or held bytes outside visible ASCII.
    #[error("invalid idempotency key (1..=255 visible ASCII bytes required)")]
    InvalidIdempotencyKey,
    /// The idempotency key was reused with a different request: the stored response belongs to
    /// another request and is not returned. Answer 422 (IETF draft) or 409.
    #[error("idempotency key reused with a different request")]
    IdempotencyConflict,
    /// The request that held the key stopped without a result (its runner was dropped or its
    /// lease expired). The waiter may retry: the key is free again.
    #[error("the in-flight request for this idempotency key was abandoned")]
    Abandoned,
    /// A waiter gave up before the in-flight request finished.
    #[error("timed out waiting for the in-flight request")]
    WaitTimeout,
    /// The idempotency store holds its maximum number of live entries, all of them in flight.
    #[error("idempotency store is full ({capacity} entries in flight)")]
    StoreFull {
        /// The configured capacity.
        capacity: usize,
    },
    /// The OS random source failed (seeding the jitter generator).
    #[error("the OS random number generator failed")]
    Entropy,
    /// A stored record could not be decoded (corrupt or written by something else).
    #[error("corrupt stored record")]
    CorruptRecord,
    /// A storage backend (SQLite, Redis) failed. The message is the backend's, without data.
    #[error("{backend} backend failed: {message}")]
    Backend {
        /// `"sqlite"` or `"redis"`.
        backend: &'static str,
        /// The backend's error message.
        message: String,
    },
}
