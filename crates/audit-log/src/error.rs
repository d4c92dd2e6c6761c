//! The crate's one error type.

/// Everything that can go wrong in this crate. Messages never contain secret material.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The log was modified: the entry with this sequence number is the first that fails.
    #[error("log tampered at sequence {seq}")]
    Tampered {
        /// First bad sequence number.
        seq: u64,
    },
}
