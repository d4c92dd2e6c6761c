//! The PostgreSQL sink (feature `postgres`): many instances writing to one log.
//!
//! Sequence numbers are assigned inside each append's transaction while it holds the row lock
//! on the single `audit_head` row (`SELECT ... FOR UPDATE`): writers queue on that lock, each
//! reads the size and Merkle frontier its predecessor committed, and no two writers can give out
//! the same number or fork the tree. Rows go in with one `INSERT ... SELECT FROM UNNEST(...)`
//! per batch. Tables live in a schema of the caller's choice (created if missing).

use std::ops::ControlFlow;

use postgres::{Client, NoTls};
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

fn db(e: postgres::Error) -> Error {
    // The driver's message; connection strings are not part of it.
    Error::Database(e.to_string())
}

/// An audit log in PostgreSQL.
pub struct PostgresSink {
    client: Client,
    schema: String,
}

impl std::fmt::Debug for PostgresSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresSink")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

fn valid_schema(schema: &str) -> bool {
    let mut bytes = schema.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'_'))
        && schema.len() <= 63
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::Corrupt {
        what: "sequence number beyond PostgreSQL's bigint",
    })
}

impl PostgresSink {
    /// Connects (without TLS: use a local socket or a TLS-terminating proxy) and creates the
    /// tables in `schema` if missing. `schema` is a lowercase SQL identifier.
    pub fn connect(url: &str, schema: &str) -> Result<Self, Error> {
        if !valid_schema(schema) {
            return Err(Error::Config(
                "schema must be a lowercase identifier of at most 63 bytes",
            ));
        }
        let client = Client::connect(url, NoTls).map_err(db)?;
        let mut sink = Self {
            client,
            schema: schema.to_owned(),
        };
        let s = &sink.schema;
        let ddl = format!(
            "CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}.audit_entries (
                seq BIGINT PRIMARY KEY,
                time TEXT NOT NULL,
                actor_type TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT,
                outcome TEXT NOT NULL,
                canonical BYTEA NOT NULL,
                leaf_hash BYTEA NOT NULL
            );
            CREATE INDEX IF NOT EXISTS audit_entries_time ON {s}.audit_entries (time);
            CREATE INDEX IF NOT EXISTS audit_entries_actor ON {s}.audit_entries (actor_type, actor_id);
            CREATE INDEX IF NOT EXISTS audit_entries_action ON {s}.audit_entries (action);
            CREATE INDEX IF NOT EXISTS audit_entries_target ON {s}.audit_entries (target);
            CREATE TABLE IF NOT EXISTS {s}.audit_head (
                id INT PRIMARY KEY CHECK (id = 1),
                size BIGINT NOT NULL,
                frontier BYTEA NOT NULL
            );
            INSERT INTO {s}.audit_head (id, size, frontier) VALUES (1, 0, '') ON CONFLICT DO NOTHING;
            CREATE TABLE IF NOT EXISTS {s}.audit_checkpoints (
                id BIGSERIAL PRIMARY KEY,
                size BIGINT NOT NULL,
                body TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS {s}.audit_base (
                id INT PRIMARY KEY CHECK (id = 1),
                body TEXT NOT NULL
            );"
        );
        // Concurrent first connections may race on CREATE; a retry sees the winner's tables.
        if sink.client.batch_execute(&ddl).is_err() {
            sink.client.batch_execute(&ddl).map_err(db)?;
        }
        Ok(sink)
    }

    /// Drops the schema and everything in it (tests, decommissioning).
    pub fn drop_schema(mut self) -> Result<(), Error> {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
        self.client.batch_execute(&sql).map_err(db)
    }

    /// Direct access for tests that play the attacker with SQL.
    #[doc(hidden)]
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    fn read_head(
        client: &mut impl postgres::GenericClient,
        schema: &str,
        lock: bool,
    ) -> Result<Frontier, Error> {
        let sql = format!(
            "SELECT size, frontier FROM {schema}.audit_head WHERE id = 1{}",
            if lock { " FOR UPDATE" } else { "" }
        );
        let row = client.query_one(&sql, &[]).map_err(db)?;
        let size: i64 = row.get(0);
        let bytes: Vec<u8> = row.get(1);
        let size = u64::try_from(size).map_err(|_| Error::Corrupt {
            what: "negative log size",
        })?;
        frontier_from_bytes(size, &bytes)
    }
}

impl Sink for PostgresSink {
    fn append(&mut self, events: &[Event], now: OffsetDateTime) -> Result<Vec<Receipt>, Error> {
        let s = self.schema.clone();
        let mut tx = self.client.transaction().map_err(db)?;
        let mut frontier = Self::read_head(&mut tx, &s, true)?;
        let (
            mut seqs,
            mut kinds,
            mut ids,
            mut acts,
            mut targets,
            mut outcomes,
            mut canon,
            mut leaves,
        ) = (
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        );
        let receipts = prepare(&mut frontier, events, now, |entry, canonical, leaf| {
            let e = &entry.event;
            seqs.push(to_i64(entry.seq)?);
            kinds.push(e.actor.kind().to_owned());
            ids.push(e.actor.id().to_owned());
            acts.push(e.action.clone());
            targets.push(e.target.clone());
            outcomes.push(e.outcome.as_str().to_owned());
            canon.push(canonical.to_vec());
            leaves.push(leaf.to_vec());
            Ok(())
        })?;
        let time = format_time(crate::event::normalise_time(now));
        let sql = format!(
            "INSERT INTO {s}.audit_entries (seq, time, actor_type, actor_id, action, target, outcome, canonical, leaf_hash)
             SELECT u.seq, $2, u.k, u.i, u.a, u.t, u.o, u.c, u.h
             FROM UNNEST($1::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::bytea[])
               AS u(seq, k, i, a, t, o, c, h)"
        );
        tx.execute(
            &sql,
            &[
                &seqs, &time, &kinds, &ids, &acts, &targets, &outcomes, &canon, &leaves,
            ],
        )
        .map_err(db)?;
        let sql = format!("UPDATE {s}.audit_head SET size = $1, frontier = $2 WHERE id = 1");
        tx.execute(
            &sql,
            &[&to_i64(frontier.size())?, &frontier_to_bytes(&frontier)],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(receipts)
    }

    fn write_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), Error> {
        let sql = format!(
            "INSERT INTO {}.audit_checkpoints (size, body) VALUES ($1, $2)",
            self.schema
        );
        self.client
            .execute(&sql, &[&to_i64(checkpoint.size())?, &checkpoint.to_json()])
            .map_err(db)?;
        Ok(())
    }

    fn frontier(&mut self) -> Result<Frontier, Error> {
        Self::read_head(&mut self.client, &self.schema, false)
    }

    fn scan(
        &mut self,
        visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>,
    ) -> Result<(), Error> {
        let s = self.schema.clone();
        // One snapshot for the whole scan.
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(db)?;
        let base = tx
            .query_opt(
                &format!("SELECT body FROM {s}.audit_base WHERE id = 1"),
                &[],
            )
            .map_err(db)?;
        if let Some(row) = base {
            let body: String = row.get(0);
            let record = serde_json::from_str(&body)
                .ok()
                .and_then(|v| Base::from_value(v).ok())
                .map_or(Record::Malformed, Record::Base);
            if visit(record)?.is_break() {
                return Ok(());
            }
        }
        let rows = tx
            .query(
                &format!("SELECT body FROM {s}.audit_checkpoints ORDER BY id"),
                &[],
            )
            .map_err(db)?;
        let mut cps = rows
            .iter()
            .map(|r| Checkpoint::from_json(&r.get::<_, String>(0)).ok())
            .collect::<Vec<_>>()
            .into_iter()
            .peekable();
        let mut emit_until =
            |size: u64,
             visit: &mut dyn FnMut(Record<'_>) -> Result<ControlFlow<()>, Error>|
             -> Result<ControlFlow<()>, Error> {
                while let Some(next) = cps.peek() {
                    if next.as_ref().is_some_and(|cp| cp.size() > size) {
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
        // Page through the entries so memory stays bounded on a large log.
        let page = format!(
            "SELECT seq, time, actor_type, actor_id, action, target, outcome, canonical, leaf_hash
             FROM {s}.audit_entries WHERE seq > $1 ORDER BY seq LIMIT 10000"
        );
        let mut after: i64 = -1;
        loop {
            let rows = tx.query(&page, &[&after]).map_err(db)?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let seq: i64 = row.get(0);
                after = seq;
                let useq = u64::try_from(seq).unwrap_or(u64::MAX);
                if emit_until(useq, visit)?.is_break() {
                    return Ok(());
                }
                let canonical: Vec<u8> = row.get(7);
                let leaf: Vec<u8> = row.get(8);
                let record = match Hash::try_from(leaf.as_slice()) {
                    Ok(stored_hash) => Record::Entry {
                        seq: useq,
                        canonical: &canonical,
                        stored_hash,
                        columns_match: columns_agree(
                            &canonical,
                            row.get(1),
                            (row.get(2), row.get(3)),
                            row.get(4),
                            row.get(5),
                            row.get(6),
                        ),
                    },
                    Err(_) => Record::Malformed,
                };
                if visit(record)?.is_break() {
                    return Ok(());
                }
            }
        }
        emit_until(u64::MAX, visit).map(|_| ())
    }

    fn purge(&mut self, base: &Base) -> Result<(), Error> {
        let s = self.schema.clone();
        let cut = to_i64(base.frontier.size())?;
        let mut tx = self.client.transaction().map_err(db)?;
        // Hold the head so no append interleaves with the purge.
        Self::read_head(&mut tx, &s, true)?;
        tx.execute(
            &format!("DELETE FROM {s}.audit_entries WHERE seq < $1"),
            &[&cut],
        )
        .map_err(db)?;
        tx.execute(
            &format!("DELETE FROM {s}.audit_checkpoints WHERE size <= $1"),
            &[&cut],
        )
        .map_err(db)?;
        tx.execute(
            &format!(
                "INSERT INTO {s}.audit_base (id, body) VALUES (1, $1)
                 ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body"
            ),
            &[&base.to_value().to_string()],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn candidates(
        &mut self,
        filter: &Query,
        visit: &mut dyn FnMut(Entry) -> Result<ControlFlow<()>, Error>,
    ) -> Result<(), Error> {
        let mut sql = format!(
            "SELECT canonical FROM {}.audit_entries WHERE seq > $1",
            self.schema
        );
        let after: i64 = match filter.after {
            Some(a) => to_i64(a)?,
            None => -1,
        };
        let mut texts: Vec<String> = Vec::new();
        let mut push = |column: &str, op: &str, value: String| {
            texts.push(value);
            let escape = if op == "LIKE" { " ESCAPE '\\'" } else { "" };
            sql.push_str(&format!(" AND {column} {op} ${}{escape}", texts.len() + 1));
        };
        for (column, op, value) in filter_conditions(filter) {
            push(column, op, value);
        }
        // Enough rows for one page plus the look-ahead; the log re-checks and stops early.
        sql.push_str(&format!(" ORDER BY seq LIMIT {}", filter.limit + 1));
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&after];
        for t in &texts {
            params.push(t);
        }
        let rows = self.client.query(&sql, &params).map_err(db)?;
        for row in rows {
            let canonical: Vec<u8> = row.get(0);
            if visit(Entry::from_canonical(&canonical)?)?.is_break() {
                break;
            }
        }
        Ok(())
    }
}
