//! The crate's one error type.

use crate::merkle::ProofError;

/// Everything that can go wrong in this crate. Messages never contain secret material (no key,
/// no redacted value, no event details).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The log was modified: the entry with this sequence number is the first that fails.
    /// Raised when opening a log for writing finds it tampered (the writer fails closed);
    /// [`crate::AuditLog::verify`] reports the same finding as a [`crate::Verification`] value.
    #[error("log tampered at sequence {seq}")]
    Tampered {
        /// First bad sequence number.
        seq: u64,
    },
    /// A proof was refused.
    #[error("invalid proof: {0}")]
    Proof(#[from] ProofError),
    /// The entry was removed by a retention purge, so no proof about it can be given.
    #[error("sequence {seq} was purged")]
    Purged {
        /// The purged sequence number asked for.
        seq: u64,
    },
    /// A sequence number or size beyond the log.
    #[error("sequence {seq} is beyond the log")]
    OutOfRange {
        /// The sequence number or size asked for.
        seq: u64,
    },
    /// A stored record, checkpoint or export cannot be decoded.
    #[error("corrupt record: {what}")]
    Corrupt {
        /// What was wrong.
        what: &'static str,
    },
    /// An event failed validation in its builder.
    #[error("invalid event: {field}: {reason}")]
    InvalidEvent {
        /// The field at fault.
        field: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A configuration value was refused (a zero batch size, a short HMAC key...).
    #[error("invalid configuration: {0}")]
    Config(&'static str),
    /// A checkpoint signature did not verify under the given key.
    #[error("checkpoint signature does not verify")]
    BadSignature,
    /// The writer's queue is full ([`crate::AuditLog::try_submit`] only): the event was not
    /// logged.
    #[error("the audit queue is full")]
    QueueFull,
    /// Another process holds the log's exclusive lock.
    #[error("the log is locked by another writer")]
    Locked,
    /// The writer was shut down, or failed earlier and refuses further appends (fail closed).
    #[error("the log writer is closed")]
    Closed,
    /// Reading or writing the file sink failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The SQLite or PostgreSQL sink failed (the driver's message, which holds no event data).
    #[error("database error: {0}")]
    Database(String),
}
