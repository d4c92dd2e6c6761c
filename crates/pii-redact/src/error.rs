//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A custom detector pattern did not compile.
    #[error("invalid detector pattern for {entity}")]
    InvalidPattern {
        /// The entity the pattern was for.
        entity: String,
    },
}
