//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A configured threshold is outside 0.0..=1.0 or not ordered.
    #[error("invalid threshold")]
    InvalidThreshold,
}
