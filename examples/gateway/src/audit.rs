//! The audit trail (audit-log): every admin action is an event in a tamper-evident JSON-lines
//! log (`data_dir/audit.jsonl`) with HMAC-signed checkpoints; the admin API queries and
//! verifies it.

use std::path::Path;
use std::sync::Arc;

use audit_log::{Actor, AuditLog, CheckpointSigner, CheckpointVerifier, Entry, Event, Outcome};
use serde_json::{Value, json};

use crate::error::{ApiError, StartError};
use crate::secrets::Secret;

/// The log and its checkpoint verifier.
pub struct Audit {
    log: Arc<AuditLog>,
    verifier: CheckpointVerifier,
}

impl std::fmt::Debug for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Audit")
    }
}

fn component(e: audit_log::Error) -> StartError {
    StartError::Component {
        component: "audit-log",
        reason: e.to_string(),
    }
}

/// The admin as an audit actor.
pub fn admin_actor() -> Actor {
    Actor::new("admin", "admin-key")
}

impl Audit {
    /// Opens (creating) `dir/audit.jsonl`, signing checkpoints with `key`, and checks on open
    /// that the stored log verifies (a tampered log stops the start).
    pub fn open(dir: &Path, key: &Secret) -> Result<Self, StartError> {
        let signer = CheckpointSigner::hmac(key.expose()).map_err(component)?;
        let verifier = signer.verifier();
        let log = AuditLog::builder()
            .origin("rampart-gateway")
            .signer(signer)
            .checkpoint_every(1000)
            .open_file(dir.join("audit.jsonl"))
            .map_err(component)?;
        let audit = Self {
            log: Arc::new(log),
            verifier,
        };
        Ok(audit)
    }

    /// Appends an event and waits until it is durable (on a blocking thread). Failing to
    /// audit fails the admin action (500): an action that cannot be recorded is not done
    /// silently.
    pub async fn record(
        &self,
        action: &str,
        target: &str,
        outcome: Outcome,
        details: Value,
    ) -> Result<u64, ApiError> {
        let event = Event::builder(admin_actor(), action, outcome)
            .target(target)
            .resource_type("gateway")
            .details(details)
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "audit event refused");
                ApiError::internal()
            })?;
        let log = self.log.clone();
        let receipt = tokio::task::spawn_blocking(move || log.append(event))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                tracing::error!(error = %e, "audit append failed");
                ApiError::internal()
            })?;
        Ok(receipt.seq)
    }

    /// The log.
    pub fn log(&self) -> &Arc<AuditLog> {
        &self.log
    }

    /// The checkpoint verifier.
    pub fn verifier(&self) -> &CheckpointVerifier {
        &self.verifier
    }
}

/// An entry as the admin API shows it.
pub fn entry_json(entry: &Entry) -> Value {
    let e = entry.event();
    json!({
        "seq": entry.seq(),
        "time": entry.time_rfc3339(),
        "actor": { "kind": e.actor().kind(), "id": e.actor().id() },
        "action": e.action(),
        "target": e.target(),
        "outcome": e.outcome().as_str(),
        "details": e.details(),
    })
}
