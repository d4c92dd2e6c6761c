//! The audit trail (audit-log): every admin action is an event in a tamper-evident JSON-lines
//! log (`data_dir/audit.jsonl`) with HMAC-signed checkpoints; the admin API queries and
//! verifies it. With feature `postgres` and `RAMPART_POSTGRES_URL`, the log lives in
//! PostgreSQL (audit-log's `PostgresSink`), one log for every instance.

use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use audit_log::{Actor, AuditLog, CheckpointSigner, CheckpointVerifier, Entry, Event, Outcome};
use serde_json::{Value, json};

use crate::error::{ApiError, StartError};
use crate::secrets::Secret;

/// The log and its checkpoint verifier.
pub struct Audit {
    log: RwLock<Arc<AuditLog>>,
    verifier: CheckpointVerifier,
    /// How to open the PostgreSQL log again after a failed append (see [`Audit::record`]).
    #[cfg(feature = "postgres")]
    reopen: Option<Arc<PgReopen>>,
}

/// What opens the PostgreSQL log (again).
#[cfg(feature = "postgres")]
struct PgReopen {
    url: String,
    schema: String,
    key: zeroize::Zeroizing<Vec<u8>>,
}

#[cfg(feature = "postgres")]
impl PgReopen {
    /// Connects and opens the log (blocking: call from a blocking thread or at start).
    fn open(&self) -> Result<AuditLog, audit_log::Error> {
        let signer = CheckpointSigner::hmac(&self.key)?;
        let sink = PgAuditSink {
            url: self.url.clone(),
            schema: self.schema.clone(),
            sink: Some(PgAuditSink::connect(&self.url, &self.schema)?),
        };
        AuditLog::builder()
            .origin("rampart-gateway")
            .signer(signer)
            .checkpoint_every(1000)
            .build(Box::new(sink))
    }
}

/// The PostgreSQL sink, reconnecting: after a failed operation (a database restart, a
/// failover, a proxy's idle timeout cut the connection) the connection is dropped and the
/// next operation connects again, so admin actions are not refused (500) until a restart. A
/// sink is connected and dropped on a thread of its own: its synchronous client owns a
/// runtime, which panics when created or dropped on an async thread (where the gateway's last
/// reference to the log may go).
#[cfg(feature = "postgres")]
struct PgAuditSink {
    url: String,
    schema: String,
    sink: Option<audit_log::sink::postgres::PostgresSink>,
}

#[cfg(feature = "postgres")]
impl PgAuditSink {
    /// Connects (creating the tables if missing) from a thread of its own.
    fn connect(
        url: &str,
        schema: &str,
    ) -> Result<audit_log::sink::postgres::PostgresSink, audit_log::Error> {
        let (url, schema) = (url.to_owned(), schema.to_owned());
        std::thread::Builder::new()
            .name("audit-log-connect".into())
            .spawn(move || audit_log::sink::postgres::PostgresSink::connect(&url, &schema))
            .map_err(|e| audit_log::Error::Database(e.to_string()))?
            .join()
            .map_err(|_| audit_log::Error::Database("the audit-log connect thread failed".into()))?
    }

    /// Drops the connection, from a thread of its own.
    fn disconnect(&mut self) {
        if let Some(sink) = self.sink.take() {
            let _ = std::thread::Builder::new()
                .name("audit-log-close".into())
                .spawn(move || drop(sink))
                .map(std::thread::JoinHandle::join);
        }
    }

    /// Runs `op` on the connection (connecting first when there is none); a failure drops the
    /// connection, so the next operation starts on a fresh one.
    fn with<T>(
        &mut self,
        op: impl FnOnce(&mut audit_log::sink::postgres::PostgresSink) -> Result<T, audit_log::Error>,
    ) -> Result<T, audit_log::Error> {
        let sink = match &mut self.sink {
            Some(sink) => sink,
            None => self.sink.insert(Self::connect(&self.url, &self.schema)?),
        };
        let result = op(sink);
        if result.is_err() {
            self.disconnect();
        }
        result
    }
}

#[cfg(feature = "postgres")]
impl Drop for PgAuditSink {
    fn drop(&mut self) {
        self.disconnect();
    }
}

#[cfg(feature = "postgres")]
impl audit_log::sink::Sink for PgAuditSink {
    fn append(
        &mut self,
        events: &[Event],
        now: time::OffsetDateTime,
    ) -> Result<Vec<audit_log::Receipt>, audit_log::Error> {
        self.with(|s| s.append(events, now))
    }
    fn write_checkpoint(
        &mut self,
        checkpoint: &audit_log::Checkpoint,
    ) -> Result<(), audit_log::Error> {
        self.with(|s| s.write_checkpoint(checkpoint))
    }
    fn frontier(&mut self) -> Result<audit_log::Frontier, audit_log::Error> {
        self.with(audit_log::sink::Sink::frontier)
    }
    fn scan(
        &mut self,
        visit: &mut dyn FnMut(
            audit_log::sink::Record<'_>,
        ) -> Result<std::ops::ControlFlow<()>, audit_log::Error>,
    ) -> Result<(), audit_log::Error> {
        self.with(|s| s.scan(visit))
    }
    fn purge(&mut self, base: &audit_log::sink::Base) -> Result<(), audit_log::Error> {
        self.with(|s| s.purge(base))
    }
    fn candidates(
        &mut self,
        filter: &audit_log::Query,
        visit: &mut dyn FnMut(Entry) -> Result<std::ops::ControlFlow<()>, audit_log::Error>,
    ) -> Result<(), audit_log::Error> {
        self.with(|s| s.candidates(filter, visit))
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
            log: RwLock::new(Arc::new(log)),
            verifier,
            #[cfg(feature = "postgres")]
            reopen: None,
        };
        Ok(audit)
    }

    /// Opens (creating the tables if missing, idempotently) the log in PostgreSQL schema
    /// `schema` at `url`. Every instance must sign with the same `key` (`RAMPART_AUDIT_KEY`),
    /// so each verifies the others' checkpoints.
    #[cfg(feature = "postgres")]
    pub fn open_postgres(url: &str, schema: &str, key: &Secret) -> Result<Self, StartError> {
        let verifier = CheckpointSigner::hmac(key.expose())
            .map_err(component)?
            .verifier();
        let reopen = Arc::new(PgReopen {
            url: url.to_owned(),
            schema: schema.to_owned(),
            key: zeroize::Zeroizing::new(key.expose().to_vec()),
        });
        let log = reopen.open().map_err(component)?;
        Ok(Self {
            log: RwLock::new(Arc::new(log)),
            verifier,
            reopen: Some(reopen),
        })
    }

    /// Appends an event and waits until it is durable (on a blocking thread). Failing to
    /// audit fails the admin action (500): an action that cannot be recorded is not done
    /// silently. After a failed append audit-log refuses every later one (fail closed: the
    /// sink's state is in doubt); with PostgreSQL, whose appends are transactions (all or
    /// nothing) and whose head row is the truth, the next append opens the log again on a
    /// fresh connection instead, so a database restart does not refuse every admin action
    /// until the gateway restarts.
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
        let log = self.log();
        // A copy to append again after a reopen: only a PostgreSQL log ever reopens.
        #[cfg(feature = "postgres")]
        let retry = self.reopen.is_some().then(|| event.clone());
        let appended = tokio::task::spawn_blocking(move || log.append(event))
            .await
            .map_err(|_| ApiError::internal())?;
        #[cfg(feature = "postgres")]
        let appended = match (appended, &self.reopen, retry) {
            (Err(audit_log::Error::Closed), Some(reopen), Some(retry)) => {
                let reopen = reopen.clone();
                let (fresh, appended) = tokio::task::spawn_blocking(move || {
                    let fresh = reopen.open()?;
                    let appended = fresh.append(retry);
                    Ok::<_, audit_log::Error>((fresh, appended))
                })
                .await
                .map_err(|_| ApiError::internal())?
                .map_err(|e| {
                    tracing::error!(error = %e, "audit log not reopened");
                    ApiError::internal()
                })?;
                tracing::warn!("audit log reopened on a new PostgreSQL connection");
                *self.log.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(fresh);
                appended
            }
            (appended, _, _) => appended,
        };
        let receipt = appended.map_err(|e| {
            tracing::error!(error = %e, "audit append failed");
            ApiError::internal()
        })?;
        Ok(receipt.seq)
    }

    /// The log.
    pub fn log(&self) -> Arc<AuditLog> {
        self.log
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
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

#[cfg(all(test, feature = "postgres"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// A connection the database cut (restart, failover, idle timeout) refuses the admin
    /// action in flight, and the next one reopens the log on a new connection and goes on
    /// from the same head.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_cut_connection_is_reopened_on_the_next_record() {
        let Ok(url) = std::env::var("RAMPART_POSTGRES_URL") else {
            println!("skipped: RAMPART_POSTGRES_URL not set");
            return;
        };
        let mut suffix = [0u8; 6];
        getrandom::fill(&mut suffix).unwrap();
        let tag = hex::encode(suffix);
        let app = format!("rampart_audit_reopen_{tag}");
        let sep = if url.contains('?') { '&' } else { '?' };
        let app_url = format!("{url}{sep}application_name={app}");
        let dir = tempfile::tempdir().unwrap();
        let (key, _) = crate::secrets::load_or_generate(
            "RAMPART_AUDIT_KEY",
            Some("k".repeat(32)),
            dir.path(),
            "audit.key",
            32,
            false,
            |_, _| Ok(()),
        )
        .unwrap();
        let schema = format!("rampart_audit_{tag}");
        let audit = tokio::task::spawn_blocking(move || {
            Audit::open_postgres(&app_url, &schema, &key).unwrap()
        })
        .await
        .unwrap();
        let first = audit
            .record("config.changed", "t", Outcome::Success, json!({}))
            .await
            .unwrap();
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let cut = client
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                &[&app],
            )
            .await
            .unwrap();
        assert!(!cut.is_empty(), "the log's connection was found and cut");
        assert!(
            audit
                .record("config.changed", "t", Outcome::Success, json!({}))
                .await
                .is_err(),
            "the action in flight on the cut connection is refused"
        );
        let next = audit
            .record("config.changed", "t", Outcome::Success, json!({}))
            .await
            .unwrap();
        assert_eq!(
            next,
            first + 1,
            "the reopened log goes on from the same head"
        );
    }
}
