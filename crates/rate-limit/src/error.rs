//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A quota string did not parse.
    #[error("invalid quota: {reason}")]
    InvalidQuota {
        /// What was wrong with it.
        reason: &'static str,
    },
}
