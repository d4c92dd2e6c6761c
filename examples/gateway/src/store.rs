//! The gateway's SQLite database (`data_dir/gateway.db`): key records (hashes only, never a
//! plaintext key) and provider credentials (envelope-encrypted, never plaintext).

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::StartError;

/// A database error (the message names the operation, never a value).
#[derive(Debug, thiserror::Error)]
#[error("database {op}: {source}")]
pub struct DbError {
    op: &'static str,
    source: rusqlite::Error,
}

fn err(op: &'static str) -> impl FnOnce(rusqlite::Error) -> DbError {
    move |source| DbError { op, source }
}

/// The connection (one writer; SQLite serialises anyway).
pub struct Db {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

impl Db {
    /// Opens (creating if needed) `dir/gateway.db` and its tables.
    pub fn open(dir: &Path) -> Result<Self, StartError> {
        std::fs::create_dir_all(dir).map_err(|source| StartError::Io {
            what: format!("creating {}", dir.display()),
            source,
        })?;
        let conn = Connection::open(dir.join("gateway.db"))
            .map_err(|e| StartError::Database(e.to_string()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS api_keys (
                 id TEXT PRIMARY KEY NOT NULL,
                 record TEXT NOT NULL
             ) STRICT;
             CREATE TABLE IF NOT EXISTS credentials (
                 name TEXT PRIMARY KEY NOT NULL,
                 ciphertext TEXT NOT NULL,
                 updated_at INTEGER NOT NULL
             ) STRICT;",
        )
        .map_err(|e| StartError::Database(e.to_string()))?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Inserts or replaces a key record (a JSON document without any plaintext).
    pub fn put_key(&self, id: &str, record_json: &str) -> Result<(), DbError> {
        self.conn()
            .execute(
                "INSERT INTO api_keys (id, record) VALUES (?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET record = excluded.record",
                params![id, record_json],
            )
            .map(drop)
            .map_err(err("put_key"))
    }

    /// Every key record.
    pub fn keys(&self) -> Result<Vec<(String, String)>, DbError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, record FROM api_keys ORDER BY id")
            .map_err(err("keys"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err("keys"))?;
        rows.collect::<Result<_, _>>().map_err(err("keys"))
    }

    /// Stores a credential's ciphertext.
    pub fn put_credential(&self, name: &str, ciphertext: &str, now: i64) -> Result<(), DbError> {
        self.conn()
            .execute(
                "INSERT INTO credentials (name, ciphertext, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET ciphertext = excluded.ciphertext,
                                                 updated_at = excluded.updated_at",
                params![name, ciphertext, now],
            )
            .map(drop)
            .map_err(err("put_credential"))
    }

    /// A credential's ciphertext.
    pub fn credential(&self, name: &str) -> Result<Option<String>, DbError> {
        self.conn()
            .query_row(
                "SELECT ciphertext FROM credentials WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()
            .map_err(err("credential"))
    }

    /// Credential names with their update time (never the values).
    pub fn credential_names(&self) -> Result<Vec<(String, i64)>, DbError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT name, updated_at FROM credentials ORDER BY name")
            .map_err(err("credential_names"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err("credential_names"))?;
        rows.collect::<Result<_, _>>()
            .map_err(err("credential_names"))
    }

    /// Forces the WAL into the main file (tests read the file afterwards).
    pub fn checkpoint(&self) -> Result<(), DbError> {
        self.conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(err("checkpoint"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_credentials_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path()).unwrap();
        db.put_key("a", "{}").unwrap();
        db.put_key("a", "{\"v\":2}").unwrap();
        assert_eq!(db.keys().unwrap(), [("a".into(), "{\"v\":2}".into())]);
        db.put_credential("openai", "enc:v2:x", 5).unwrap();
        assert_eq!(
            db.credential("openai").unwrap().as_deref(),
            Some("enc:v2:x")
        );
        assert_eq!(db.credential("none").unwrap(), None);
        assert_eq!(db.credential_names().unwrap(), [("openai".into(), 5)]);
    }
}
