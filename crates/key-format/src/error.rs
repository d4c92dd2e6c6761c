//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The text does not start with the expected prefix.
    #[error("wrong key prefix")]
    WrongPrefix,
    /// The checksum does not match: a typo, truncation or a random string.
    #[error("bad key checksum")]
    BadChecksum,
}
