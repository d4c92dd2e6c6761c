//! The audit trail (audit-log): every admin action is an event in a tamper-evident JSON-lines
//! log (`data_dir/audit.jsonl`) with HMAC-signed checkpoints; the admin API queries and
//! verifies it. With feature `postgres` and `RAMPART_POSTGRES_URL`, the log lives in
//! PostgreSQL (audit-log's `PostgresSink`), one log for every instance.

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

/// A sink dropped on a thread of its own: the PostgreSQL sink's synchronous client owns a
/// runtime, which panics when dropped on an async thread (where the gateway's last reference
/// to the log may go).
#[cfg(feature = "postgres")]
struct OffThreadDrop(Option<Box<dyn audit_log::sink::Sink>>);

#[cfg(feature = "postgres")]
impl OffThreadDrop {
    fn sink(&mut self) -> Result<&mut Box<dyn audit_log::sink::Sink>, audit_log::Error> {
        self.0
            .as_mut()
            .ok_or_else(|| audit_log::Error::Database("the sink is closed".into()))
    }
}

#[cfg(feature = "postgres")]
impl Drop for OffThreadDrop {
    fn drop(&mut self) {
        if let Some(sink) = self.0.take() {
            let _ = std::thread::Builder::new()
                .name("audit-log-close".into())
                .spawn(move || drop(sink))
                .map(std::thread::JoinHandle::join);
        }
    }
}

#[cfg(feature = "postgres")]
impl audit_log::sink::Sink for OffThreadDrop {
    fn append(
        &mut self,
        events: &[Event],
        now: time::OffsetDateTime,
    ) -> Result<Vec<audit_log::Receipt>, audit_log::Error> {
        self.sink()?.append(events, now)
    }
    fn write_checkpoint(
        &mut self,
        checkpoint: &audit_log::Checkpoint,
    ) -> Result<(), audit_log::Error> {
        self.sink()?.write_checkpoint(checkpoint)
    }
    fn frontier(&mut self) -> Result<audit_log::Frontier, audit_log::Error> {
        self.sink()?.frontier()
    }
    fn scan(
        &mut self,
        visit: &mut dyn FnMut(
            audit_log::sink::Record<'_>,
        ) -> Result<std::ops::ControlFlow<()>, audit_log::Error>,
    ) -> Result<(), audit_log::Error> {
        self.sink()?.scan(visit)
    }
    fn purge(&mut self, base: &audit_log::sink::Base) -> Result<(), audit_log::Error> {
        self.sink()?.purge(base)
    }
    fn candidates(
        &mut self,
        filter: &audit_log::Query,
        visit: &mut dyn FnMut(Entry) -> Result<std::ops::ControlFlow<()>, audit_log::Error>,
    ) -> Result<(), audit_log::Error> {
        self.sink()?.candidates(filter, visit)
    }
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

    /// Opens (creating the tables if missing, idempotently) the log in PostgreSQL schema
    /// `schema` at `url`. Every instance must sign with the same `key` (`RAMPART_AUDIT_KEY`),
    /// so each verifies the others' checkpoints.
    #[cfg(feature = "postgres")]
    pub fn open_postgres(url: &str, schema: &str, key: &Secret) -> Result<Self, StartError> {
        let signer = CheckpointSigner::hmac(key.expose()).map_err(component)?;
        let verifier = signer.verifier();
        let (url, schema) = (url.to_owned(), schema.to_owned());
        // The synchronous client starts (and, on failure, drops) a runtime of its own: not on
        // the caller's async thread.
        let sink = std::thread::spawn(move || {
            audit_log::sink::postgres::PostgresSink::connect(&url, &schema)
        })
        .join()
        .map_err(|_| StartError::Database("the audit-log connect thread failed".into()))?
        .map_err(component)?;
        let log = AuditLog::builder()
            .origin("rampart-gateway")
            .signer(signer)
            .checkpoint_every(1000)
            .build(Box::new(OffThreadDrop(Some(Box::new(sink)))))
            .map_err(component)?;
        Ok(Self {
            log: Arc::new(log),
            verifier,
        })
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
