//! The crate's one error type.

use crate::hygiene::SecretProblem;

/// Everything that can go wrong in this crate: misuse and broken input. Normal negative answers
/// (a revoked key, an expired link) are values (`Verification`, `TokenCheck`), not errors. Messages never contain secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text does not start with the expected prefix and `_`.
    #[error("wrong key prefix")]
    WrongPrefix,
    /// The text has the right prefix but not the length of this format's keys (truncated, padded,
    /// or a tagged key presented to an untagged format and vice versa).
    #[error("bad key length: expected {expected} bytes, found {found}")]
    BadLength {
        /// The length of a well-formed key of this format.
        expected: usize,
        /// The length presented.
        found: usize,
    },
    /// A byte that is not in the format's alphabet, at this byte offset.
    #[error("bad character at byte {position}")]
    BadCharacter {
        /// Byte offset of the first offending byte.
        position: usize,
    },
    /// The checksum does not match: a typo, truncation or a random string.
    #[error("bad key checksum")]
    BadChecksum,
    /// The checksum matches but the HMAC tag does not: the key was not issued under this server
    /// secret (forged, or issued by another deployment).
    #[error("bad key tag: not issued by this deployment")]
    BadTag,
    /// A prefix that does not follow the prefix rule (see [`Prefix`](crate::Prefix)).
    #[error("invalid prefix: {reason}")]
    InvalidPrefix {
        /// Which part of the rule was broken.
        reason: &'static str,
    },
    /// A scope or scope pattern that does not follow the scope grammar (see `ScopeSet`).
    #[error("invalid scope at byte {position}: {reason}")]
    InvalidScope {
        /// Byte offset in the input where the problem starts.
        position: usize,
        /// Which part of the grammar was broken.
        reason: &'static str,
    },
    /// A secret failed [`check_secret`](crate::check_secret). The value itself is never shown.
    #[error("secret {name}: {problem}")]
    WeakSecret {
        /// The setting's name (for example an environment variable).
        name: String,
        /// What is wrong with it.
        problem: SecretProblem,
    },
    /// A token, signed link or CSRF value that does not have this crate's token syntax.
    #[error("malformed token: {reason}")]
    MalformedToken {
        /// Which part was malformed.
        reason: &'static str,
    },
    /// A configuration value out of range (a zero lifetime, a duration too long, ...).
    #[error("invalid configuration: {reason}")]
    InvalidConfig {
        /// What is wrong.
        reason: &'static str,
    },
    /// A key id is already in the store (astronomically unlikely with random ids: a store bug or
    /// a replayed insert).
    #[error("duplicate key id")]
    DuplicateKeyId,
    /// The key id named in a management call (revoke, rotate) is not in the store.
    #[error("no such key id")]
    NoSuchKey,
    /// A management call (rotation) on a revoked key.
    #[error("the key is revoked")]
    KeyRevoked,
    /// A management call (rotation) on an expired key: an expired key is not revived through a
    /// successor; issue a new key instead.
    #[error("the key is expired")]
    KeyExpired,
    /// The OS random number generator failed; nothing was issued.
    #[error("the OS random number generator failed")]
    Randomness,
    /// A `KeyStore` or `UsedTokens` backend failed.
    #[error("key store: {0}")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}
