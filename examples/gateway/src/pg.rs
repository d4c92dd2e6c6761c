//! PostgreSQL for the key records (feature `postgres`, `RAMPART_POSTGRES_URL`): one table
//! `{schema}.api_keys (id, record, version)` shared by every instance.
//!
//! The connection is driven by a runtime on a thread of its own, so the store answers from any
//! context: async callers (the request path) await the client directly; synchronous callers
//! (key-format's [`key_format::KeyStore`] methods, run by admin handlers) hand the query to
//! that runtime and wait on a channel, which never needs the caller's runtime and never panics
//! on it. Updates are compare-and-set on `version`, so two instances changing one record
//! (a revoke on A, a last-used touch on B) never overwrite each other's change.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use tokio_postgres::{Client, NoTls, Statement};

/// How long one database operation may take before it counts as failed.
const OP_TIMEOUT: Duration = Duration::from_secs(5);

/// A PostgreSQL failure (the driver's message; never a value or the connection string).
#[derive(Debug, thiserror::Error)]
#[error("postgres {op}: {message}")]
pub struct PgError {
    op: &'static str,
    message: String,
}

fn err(op: &'static str) -> impl FnOnce(tokio_postgres::Error) -> PgError {
    move |e| PgError {
        op,
        message: e.to_string(),
    }
}

fn other(op: &'static str, message: &str) -> PgError {
    PgError {
        op,
        message: message.to_owned(),
    }
}

/// Whether `schema` is a lowercase SQL identifier (it is spliced into statements).
pub fn valid_schema(schema: &str) -> bool {
    let mut bytes = schema.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'_'))
        && schema.len() <= 63
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

struct Conn {
    client: Client,
    get: Statement,
}

/// The key table's client.
pub struct PgKeys {
    url: String,
    schema: String,
    handle: tokio::runtime::Handle,
    conn: RwLock<Option<Arc<Conn>>>,
    /// Dropping it stops the connection thread (its runtime is dropped there, never on a
    /// caller's runtime).
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl std::fmt::Debug for PgKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgKeys")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl PgKeys {
    /// Starts the connection thread, connects, and creates the schema and table if missing
    /// (idempotent: every instance runs it at start).
    pub fn connect(url: &str, schema: &str) -> Result<Arc<Self>, PgError> {
        if !valid_schema(schema) {
            return Err(other(
                "config",
                "schema must be a lowercase identifier of at most 63 bytes",
            ));
        }
        let (handle_tx, handle_rx) = std::sync::mpsc::sync_channel(1);
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("gateway-postgres".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = handle_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = handle_tx.send(Ok(rt.handle().clone()));
                let _ = rt.block_on(stop_rx);
            })
            .map_err(|e| other("thread", &e.to_string()))?;
        let handle = handle_rx
            .recv()
            .map_err(|_| other("thread", "the connection thread ended"))?
            .map_err(|e| other("runtime", &e))?;
        let keys = Arc::new(Self {
            url: url.to_owned(),
            schema: schema.to_owned(),
            handle,
            conn: RwLock::new(None),
            _stop: stop,
        });
        let s = schema.to_owned();
        let ddl = format!(
            "CREATE SCHEMA IF NOT EXISTS {s};
             CREATE TABLE IF NOT EXISTS {s}.api_keys (
                 id TEXT PRIMARY KEY,
                 record TEXT NOT NULL,
                 version BIGINT NOT NULL DEFAULT 0
             );"
        );
        let url = url.to_owned();
        keys.blocking(async move {
            let (client, connection) = tokio_postgres::connect(&url, NoTls)
                .await
                .map_err(err("connect"))?;
            tokio::spawn(connection);
            // Concurrent first starts may race on CREATE; a retry sees the winner's table.
            if client.batch_execute(&ddl).await.is_err() {
                client
                    .batch_execute(&ddl)
                    .await
                    .map_err(err("create schema"))?;
            }
            Ok(())
        })?;
        Ok(keys)
    }

    /// The schema the table lives in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Runs `fut` on the connection thread and waits for it (any context, async included:
    /// the wait is a channel receive, not a runtime).
    fn blocking<T: Send + 'static>(
        &self,
        fut: impl Future<Output = Result<T, PgError>> + Send + 'static,
    ) -> Result<T, PgError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let r = tokio::time::timeout(OP_TIMEOUT, fut)
                .await
                .unwrap_or_else(|_| Err(other("query", "timed out")));
            let _ = tx.send(r);
        });
        rx.recv_timeout(OP_TIMEOUT + Duration::from_secs(1))
            .map_err(|_| other("query", "no answer from the connection thread"))?
    }

    /// The live connection, reconnecting when it was closed (the connect runs on the
    /// connection thread, which drives the connection from then on).
    async fn conn(&self) -> Result<Arc<Conn>, PgError> {
        if let Some(c) = self
            .conn
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            && !c.client.is_closed()
        {
            return Ok(c.clone());
        }
        let url = self.url.clone();
        let get_sql = format!(
            "SELECT record, version FROM {}.api_keys WHERE id = $1",
            self.schema
        );
        let connect = async move {
            let (client, connection) = tokio_postgres::connect(&url, NoTls)
                .await
                .map_err(err("connect"))?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!(error = %e, "postgres connection ended");
                }
            });
            let get = client.prepare(&get_sql).await.map_err(err("prepare"))?;
            Ok::<_, PgError>(Conn { client, get })
        };
        let conn = tokio::time::timeout(OP_TIMEOUT, self.handle.spawn(connect))
            .await
            .map_err(|_| other("connect", "timed out"))?
            .map_err(|_| other("connect", "the connection task failed"))??;
        let conn = Arc::new(conn);
        *self.conn.write().unwrap_or_else(PoisonError::into_inner) = Some(conn.clone());
        Ok(conn)
    }

    /// The stored record of `id` (its JSON and version), read now: one primary-key lookup.
    pub async fn fetch(&self, id: &str) -> Result<Option<(String, i64)>, PgError> {
        let conn = self.conn().await?;
        let row = tokio::time::timeout(OP_TIMEOUT, conn.client.query_opt(&conn.get, &[&id]))
            .await
            .map_err(|_| other("fetch", "timed out"))?
            .map_err(err("fetch"))?;
        row.map(|r| {
            Ok((
                r.try_get::<_, String>(0).map_err(err("fetch"))?,
                r.try_get::<_, i64>(1).map_err(err("fetch"))?,
            ))
        })
        .transpose()
    }

    /// Every stored record (id, JSON, version).
    pub async fn fetch_all(&self) -> Result<Vec<(String, String, i64)>, PgError> {
        let conn = self.conn().await?;
        let sql = format!(
            "SELECT id, record, version FROM {}.api_keys ORDER BY id",
            self.schema
        );
        let rows = tokio::time::timeout(OP_TIMEOUT, conn.client.query(&sql, &[]))
            .await
            .map_err(|_| other("fetch_all", "timed out"))?
            .map_err(err("fetch_all"))?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<_, String>(0).map_err(err("fetch_all"))?,
                    r.try_get::<_, String>(1).map_err(err("fetch_all"))?,
                    r.try_get::<_, i64>(2).map_err(err("fetch_all"))?,
                ))
            })
            .collect()
    }

    /// [`PgKeys::fetch`] from synchronous code.
    pub fn fetch_blocking(self: &Arc<Self>, id: &str) -> Result<Option<(String, i64)>, PgError> {
        let (k, id) = (self.clone(), id.to_owned());
        self.blocking(async move { k.fetch(&id).await })
    }

    /// Inserts a record; `false` when the id exists.
    pub fn insert_blocking(self: &Arc<Self>, id: &str, json: &str) -> Result<bool, PgError> {
        let (k, id, json) = (self.clone(), id.to_owned(), json.to_owned());
        self.blocking(async move {
            let conn = k.conn().await?;
            let sql = format!(
                "INSERT INTO {}.api_keys (id, record, version) VALUES ($1, $2, 0)
                 ON CONFLICT (id) DO NOTHING",
                k.schema
            );
            let n = conn
                .client
                .execute(&sql, &[&id, &json])
                .await
                .map_err(err("insert"))?;
            Ok(n == 1)
        })
    }

    /// Replaces the record of `id` if it is still at `version`; `false` when another writer
    /// changed it first (read again and retry).
    pub async fn compare_and_set(
        &self,
        id: &str,
        json: &str,
        version: i64,
    ) -> Result<bool, PgError> {
        let conn = self.conn().await?;
        let sql = format!(
            "UPDATE {}.api_keys SET record = $2, version = version + 1
             WHERE id = $1 AND version = $3",
            self.schema
        );
        let n = tokio::time::timeout(
            OP_TIMEOUT,
            conn.client.execute(&sql, &[&id, &json, &version]),
        )
        .await
        .map_err(|_| other("update", "timed out"))?
        .map_err(err("update"))?;
        Ok(n == 1)
    }

    /// [`PgKeys::compare_and_set`] from synchronous code.
    pub fn compare_and_set_blocking(
        self: &Arc<Self>,
        id: &str,
        json: &str,
        version: i64,
    ) -> Result<bool, PgError> {
        let (k, id, json) = (self.clone(), id.to_owned(), json.to_owned());
        self.blocking(async move { k.compare_and_set(&id, &json, version).await })
    }

    /// Runs `fut` on the connection thread without waiting (best-effort writes).
    pub fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        self.handle.spawn(fut);
    }

    /// Drops the schema and everything in it (tests, decommissioning).
    pub fn drop_schema(self: &Arc<Self>) -> Result<(), PgError> {
        let k = self.clone();
        self.blocking(async move {
            let conn = k.conn().await?;
            conn.client
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", k.schema))
                .await
                .map_err(err("drop schema"))
        })
    }
}
