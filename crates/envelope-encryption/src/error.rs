//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The value is not in a format this crate knows.
    #[error("unknown format")]
    UnknownFormat,
    /// Authentication failed: wrong key, wrong context, or the value was tampered with.
    #[error("decryption failed")]
    Decrypt,
}
