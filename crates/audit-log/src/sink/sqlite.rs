//! The SQLite sink (feature `sqlite`): indexed queries on one machine.
//!
//! Tables: `audit_entries` (one row per entry: the sequence number as primary key, indexed
//! columns for queries, the canonical bytes and the leaf hash), `audit_head` (one row: size and
//! Merkle frontier), `audit_checkpoints`, `audit_base`. Every append is one
//! `BEGIN IMMEDIATE` transaction that reads the head, assigns sequence numbers, inserts the
//! rows and moves the head, so several processes may share the file without breaking the
//! Merkle log. The database runs in WAL mode with `synchronous = FULL`: a committed batch
//! survives power loss.

use std::ops::ControlFlow;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use time::OffsetDateTime;

use super::{
    Base, Record, Sink, columns_agree, filter_conditions, frontier_from_bytes, frontier_to_bytes,
    prepare,
};
use crate::checkpoint::Checkpoint;
use crate::event::{Entry, Event, format_time};
use crate::merkle::{Frontier, Hash};
use crate::query::Query;
use crate::{Error, Receipt};

fn db(e: rusqlite::Error) -> Error {
    Error::Database(e.to_string())
}

/// An audit log in a SQLite database.
#[derive(Debug)]
pub struct SqliteSink {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit_entries (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL,
    canonical BLOB NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_entries_time ON audit_entries (time);
CREATE INDEX IF NOT EXISTS audit_entries_actor ON audit_entries (actor_type, actor_id);
CREATE INDEX IF NOT EXISTS audit_entries_action ON audit_entries (action);
CREATE INDEX IF NOT EXISTS audit_entries_target ON audit_entries (target);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    size INTEGER NOT NULL,
    frontier BLOB NOT NULL
);
INSERT OR IGNORE INTO audit_head (id, size, frontier) VALUES (1, 0, x'');
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    size INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_base (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL
);
";

impl SqliteSink {
    /// Opens (or creates) the database at `path` and its tables.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::with_connection(Connection::open(path).map_err(db)?)
    }

    /// Uses an open connection (an in-memory database in tests, or the host's own file).
    pub fn with_connection(conn: Connection) -> Result<Self, Error> {
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        // In-memory databases answer "memory" to WAL; both are fine.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        Ok(Self { conn })
    }

    fn head(conn: &Connection) -> Result<Frontier, Error> {
        let (size, bytes): (i64, Vec<u8>) = conn
            .query_row(
                "SELECT size, frontier FROM audit_head WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(db)?;
        let size = u64::try_from(size).map_err(|_| Error::Corrupt {
            what: "negative log size",
        })?;
        frontier_from_bytes(size, &bytes)
    }

    /// Direct access for tests that play the attacker with SQL.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::Corrupt {
        what: "sequence number beyond SQLite's range",
    })
}

impl Sink for SqliteSink {
    fn append(&mut self, events: &[Event], now: OffsetDateTime) -> Result<Vec<Receipt>, Error> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let mut frontier = Self::head(&tx)?;
        let receipts = {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit_entries (seq, time, actor_type, actor_id, action, target, outcome, canonical, leaf_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(db)?;
            let time = format_time(crate::event::normalise_time(now));
            prepare(&mut frontier, events, now, |entry, canonical, leaf| {
                let e = &entry.event;
                insert
                    .execute(params![
                        to_i64(entry.seq)?,
                        time,
                        e.actor.kind(),
                        e.actor.id(),
                        e.action,
                        e.target,
                        e.outcome.as_str(),
                        canonical,
                        &leaf[..],
                    ])
                    .map_err(db)?;
                Ok(())
            })?
        };
        tx.execute(
            "UPDATE audit_head SET size = ?1, frontier = ?2 WHERE id = 1",
            params![to_i64(frontier.size())?, frontier_to_bytes(&frontier)],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(receipts)
    }

    fn write_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), Error> {
        self.conn
            .execute(
                "INSERT INTO audit_checkpoints (size, body) VALUES (?1, ?2)",
                params![to_i64(checkpoint.size())?, checkpoint.to_json()],
            )
            .map_err(db)?;
        Ok(())
    }

    fn frontier(&mut self) -> Result<Frontier, Error> {
        Self::head(&self.conn)
    }

    fn scan(
        &mut self,
        visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>,
    ) -> Result<(), Error> {
        let base: Option<String> = self
            .conn
            .query_row("SELECT body FROM audit_base WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(db)?;
        if let Some(body) = base {
            let record = serde_json::from_str(&body)
                .ok()
                .and_then(|v| Base::from_value(v).ok())
                .map_or(Record::Malformed, Record::Base);
            if visit(record)?.is_break() {
                return Ok(());
            }
        }
        let mut checkpoints = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT body FROM audit_checkpoints ORDER BY id")
                .map_err(db)?;
            let mut rows = stmt.query([]).map_err(db)?;
            while let Some(row) = rows.next().map_err(db)? {
                let body: String = row.get(0).map_err(db)?;
                checkpoints.push(Checkpoint::from_json(&body).ok());
            }
        }
        let mut cps = checkpoints.into_iter().peekable();
        let mut emit_until =
            |size: u64,
             visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>|
             -> Result<ControlFlow<()>, Error> {
                while let Some(next) = cps.peek() {
                    let due = next.as_ref().is_none_or(|cp| cp.size() <= size);
                    if !due {
                        break;
                    }
                    let record = match cps.next().flatten() {
                        Some(cp) => Record::Checkpoint(cp),
                        None => Record::Malformed,
                    };
                    if visit(record)?.is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                }
                Ok(ControlFlow::Continue(()))
            };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, time, actor_type, actor_id, action, target, outcome, canonical, leaf_hash FROM audit_entries ORDER BY seq",
            )
            .map_err(db)?;
        let mut rows = stmt.query([]).map_err(db)?;
        while let Some(row) = rows.next().map_err(db)? {
            let seq: i64 = row.get(0).map_err(db)?;
            let seq = u64::try_from(seq).unwrap_or(u64::MAX);
            if emit_until(seq, visit)?.is_break() {
                return Ok(());
            }
            let time: String = row.get(1).map_err(db)?;
            let kind: String = row.get(2).map_err(db)?;
            let id: String = row.get(3).map_err(db)?;
            let action: String = row.get(4).map_err(db)?;
            let target: Option<String> = row.get(5).map_err(db)?;
            let outcome: String = row.get(6).map_err(db)?;
            let canonical: Vec<u8> = row.get(7).map_err(db)?;
            let leaf: Vec<u8> = row.get(8).map_err(db)?;
            let record = match Hash::try_from(leaf.as_slice()) {
                Ok(stored_hash) => Record::Entry {
                    seq,
                    canonical: &canonical,
                    stored_hash,
                    columns_match: columns_agree(
                        &canonical,
                        &time,
                        (&kind, &id),
                        &action,
                        target.as_deref(),
                        &outcome,
                    ),
                },
                Err(_) => Record::Malformed,
            };
            if visit(record)?.is_break() {
                return Ok(());
            }
        }
        emit_until(u64::MAX, visit).map(|_| ())
    }

    fn purge(&mut self, base: &Base) -> Result<(), Error> {
        let cut = to_i64(base.frontier.size())?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        tx.execute("DELETE FROM audit_entries WHERE seq < ?1", params![cut])
            .map_err(db)?;
        tx.execute(
            "DELETE FROM audit_checkpoints WHERE size <= ?1",
            params![cut],
        )
        .map_err(db)?;
        tx.execute(
            "INSERT OR REPLACE INTO audit_base (id, body) VALUES (1, ?1)",
            params![base.to_value().to_string()],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn candidates(
        &mut self,
        filter: &Query,
        visit: &mut dyn FnMut(Entry) -> Result<ControlFlow<()>, Error>,
    ) -> Result<(), Error> {
        // Narrow with the indexes; the log re-checks each candidate against the filter.
        let mut sql = String::from("SELECT canonical FROM audit_entries WHERE seq > ?1");
        let mut args: Vec<rusqlite::types::Value> =
            vec![rusqlite::types::Value::Integer(match filter.after {
                Some(a) => to_i64(a)?,
                None => -1,
            })];
        let mut push = |column: &str, op: &str, value: String| {
            args.push(rusqlite::types::Value::Text(value));
            let escape = if op == "LIKE" { " ESCAPE '\\'" } else { "" };
            sql.push_str(&format!(" AND {column} {op} ?{}{escape}", args.len()));
        };
        for (column, op, value) in filter_conditions(filter) {
            push(column, op, value);
        }
        sql.push_str(" ORDER BY seq");
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(args.iter()))
            .map_err(db)?;
        while let Some(row) = rows.next().map_err(db)? {
            let canonical: Vec<u8> = row.get(0).map_err(db)?;
            if visit(Entry::from_canonical(&canonical)?)?.is_break() {
                break;
            }
        }
        Ok(())
    }
}
