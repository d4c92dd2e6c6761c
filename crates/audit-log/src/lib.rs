#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod checkpoint;
mod clock;
mod error;
mod event;
mod export;
mod log;
pub mod merkle;
mod query;
mod redact;
pub mod sink;
mod verify;

pub use checkpoint::{Alg, Checkpoint, CheckpointSigner, CheckpointVerifier, MIN_HMAC_KEY_LEN};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::Error;
pub use event::{
    Actor, Entry, Event, EventBuilder, MAX_ACTION_LEN, MAX_DETAILS_DEPTH, MAX_DETAILS_LEN,
    MAX_FIELD_LEN, Outcome, actions, parse_rfc3339,
};
pub use export::{Export, ExportedEntry};
pub use log::{
    AuditLog, AuditLogBuilder, Durability, Pending, PurgeReport, Receipt, verify_records,
};
pub use merkle::{
    ConsistencyProof, Frontier, Hash, InclusionProof, MAX_TREE_SIZE, MerkleTree, ProofError,
    leaf_hash, node_hash, verify_consistency, verify_inclusion,
};
pub use query::{MAX_PAGE, Page, Query};
#[cfg(feature = "pii")]
pub use redact::PiiRedactor;
pub use redact::{REDACTED, Redaction, Redactor, SensitiveKeys};
pub use verify::{Tamper, Verification};

/// Verifies a JSON-lines log read from any reader (a pipe, a download), line by line in
/// constant memory. Same checks as [`verify_file`].
pub fn verify_reader(
    reader: impl std::io::BufRead,
    key: Option<&CheckpointVerifier>,
    anchor: Option<&Checkpoint>,
) -> Result<Verification, Error> {
    verify_records(
        |visit| sink::file::scan_lines(reader, u64::MAX, visit),
        key,
        anchor,
    )
}

/// Builds the Merkle tree of a JSON-lines log file read-only (for proofs), refusing a file whose
/// entries do not match their hashes ([`Error::Tampered`]).
pub fn tree_from_file(path: impl AsRef<std::path::Path>) -> Result<MerkleTree, Error> {
    let path = path.as_ref();
    log::build_tree(|visit| sink::file::scan_file(path, visit))
}

/// Builds the Merkle tree of a JSON-lines log read from any reader (see [`tree_from_file`]).
pub fn tree_from_reader(reader: impl std::io::BufRead) -> Result<MerkleTree, Error> {
    log::build_tree(|visit| sink::file::scan_lines(reader, u64::MAX, visit))
}

/// Verifies a JSON-lines log file read-only, without the writer lock (an archived copy, or a
/// log no writer has open): see [`AuditLog::verify_against`].
pub fn verify_file(
    path: impl AsRef<std::path::Path>,
    key: Option<&CheckpointVerifier>,
    anchor: Option<&Checkpoint>,
) -> Result<Verification, Error> {
    let path = path.as_ref();
    verify_records(|visit| sink::file::scan_file(path, visit), key, anchor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_leaf_hash_matches_rfc6962() {
        let expected = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
        assert_eq!(hex::encode(leaf_hash(b"")), expected);
    }
}
