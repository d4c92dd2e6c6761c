//! SQLite persistence of breaker state (feature `sqlite`, bundled SQLite via `rusqlite`).

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;
use crate::persist::{BreakerSnapshot, PersistedState, StateStore};

fn backend(e: rusqlite::Error) -> Error {
    Error::Backend {
        backend: "sqlite",
        message: e.to_string(),
    }
}

/// A [`StateStore`] in one SQLite table, `resilience_breakers`. A save keeps the snapshot with
/// the highest version, so out-of-order saves never regress a breaker.
#[derive(Debug)]
pub struct SqliteStateStore {
    conn: Mutex<Connection>,
}

impl SqliteStateStore {
    /// Opens (or creates) the database file at `path` and the table.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_connection(Connection::open(path).map_err(backend)?)
    }

    /// An in-memory database (tests).
    pub fn in_memory() -> Result<Self, Error> {
        Self::from_connection(Connection::open_in_memory().map_err(backend)?)
    }

    /// Uses an existing connection, creating the table if needed.
    pub fn from_connection(conn: Connection) -> Result<Self, Error> {
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS resilience_breakers (
                name TEXT PRIMARY KEY NOT NULL,
                open INTEGER NOT NULL,
                open_until_ms INTEGER NOT NULL,
                failures INTEGER NOT NULL,
                open_cycles INTEGER NOT NULL,
                version INTEGER NOT NULL
            )",
        )
        .map_err(backend)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }
}

fn to_i64(v: u64) -> Result<i64, Error> {
    i64::try_from(v).map_err(|_| Error::CorruptRecord)
}

fn to_u64(v: i64) -> Result<u64, Error> {
    u64::try_from(v).map_err(|_| Error::CorruptRecord)
}

fn to_u32(v: i64) -> Result<u32, Error> {
    u32::try_from(v).map_err(|_| Error::CorruptRecord)
}

impl StateStore for SqliteStateStore {
    fn load(&self, name: &str) -> Result<Option<BreakerSnapshot>, Error> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let row = conn
            .query_row(
                "SELECT open, open_until_ms, failures, open_cycles, version
                 FROM resilience_breakers WHERE name = ?1",
                params![name],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(backend)?;
        let Some((open, until, failures, cycles, version)) = row else {
            return Ok(None);
        };
        let state = match open {
            0 => PersistedState::Closed,
            1 => PersistedState::Open {
                until_unix_ms: to_u64(until)?,
            },
            _ => return Err(Error::CorruptRecord),
        };
        Ok(Some(BreakerSnapshot {
            name: name.to_owned(),
            state,
            failures: to_u32(failures)?,
            open_cycles: to_u32(cycles)?,
            version: to_u64(version)?,
        }))
    }

    fn save(&self, s: &BreakerSnapshot) -> Result<(), Error> {
        let (open, until) = match s.state {
            PersistedState::Closed => (0i64, 0i64),
            PersistedState::Open { until_unix_ms } => (1, to_i64(until_unix_ms)?),
        };
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        conn.execute(
            "INSERT INTO resilience_breakers (name, open, open_until_ms, failures, open_cycles, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(name) DO UPDATE SET
                open = excluded.open, open_until_ms = excluded.open_until_ms,
                failures = excluded.failures, open_cycles = excluded.open_cycles,
                version = excluded.version
             WHERE excluded.version > resilience_breakers.version",
            params![s.name, open, until, i64::from(s.failures), i64::from(s.open_cycles), to_i64(s.version)?],
        )
        .map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_version_guard() {
        let store = SqliteStateStore::in_memory().unwrap();
        assert_eq!(store.load("p").unwrap(), None);
        let mut s = BreakerSnapshot {
            name: "p".into(),
            state: PersistedState::Open {
                until_unix_ms: 1_700_000_000_000,
            },
            failures: 5,
            open_cycles: 2,
            version: 7,
        };
        store.save(&s).unwrap();
        assert_eq!(store.load("p").unwrap().as_ref(), Some(&s));
        let older = BreakerSnapshot {
            state: PersistedState::Closed,
            version: 6,
            ..s.clone()
        };
        store.save(&older).unwrap();
        assert_eq!(
            store.load("p").unwrap().as_ref(),
            Some(&s),
            "older version ignored"
        );
        s.state = PersistedState::Closed;
        s.version = 8;
        store.save(&s).unwrap();
        assert_eq!(store.load("p").unwrap(), Some(s));
    }

    #[test]
    fn corrupt_rows_are_typed_errors() {
        let store = SqliteStateStore::in_memory().unwrap();
        store
            .conn
            .lock()
            .unwrap()
            .execute(
                "INSERT INTO resilience_breakers VALUES ('x', 3, 0, 0, 0, 0)",
                [],
            )
            .unwrap();
        assert_eq!(store.load("x").unwrap_err(), Error::CorruptRecord);
    }
}
