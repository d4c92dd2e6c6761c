//! Helpers shared by the integration tests.

use std::path::Path;

use audit_log::{AuditLog, CheckpointSigner};

/// A file log at `path` whose checkpoints are signed with HMAC under `key`.
pub fn signed_file_log(path: impl AsRef<Path>, key: &[u8; 32]) -> AuditLog {
    AuditLog::builder()
        .signer(CheckpointSigner::hmac(key).unwrap())
        .open_file(path)
        .unwrap()
}
