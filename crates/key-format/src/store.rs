//! Where key records live: the [`KeyStore`] trait and an in-memory implementation.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::{Error, KeyRecord, Timestamp};

/// Persistence for [`KeyRecord`]s, looked up by key id.
///
/// `Send + Sync` and object safe: hosts hold an `Arc<dyn KeyStore>` (the
/// [`KeyManager`](crate::KeyManager) does). Calls are synchronous and must be quick: verification
/// does one [`get`](KeyStore::get) per request, and a [`touch`](KeyStore::touch) at most once a
/// minute per key. A database-backed store can keep a cache in front of its table.
pub trait KeyStore: Send + Sync {
    /// Adds a record.
    ///
    /// # Errors
    /// [`Error::DuplicateKeyId`] when the id exists; [`Error::Store`] for backend failures.
    fn insert(&self, record: KeyRecord) -> Result<(), Error>;

    /// The record for `key_id`, if any. Returning an `Arc` lets an in-memory store answer without
    /// copying the record.
    ///
    /// # Errors
    /// [`Error::Store`].
    fn get(&self, key_id: &str) -> Result<Option<Arc<KeyRecord>>, Error>;

    /// Applies `change` to the record for `key_id` atomically. Returns `false` when there is no
    /// such record.
    ///
    /// # Errors
    /// [`Error::Store`].
    fn update(&self, key_id: &str, change: &mut dyn FnMut(&mut KeyRecord)) -> Result<bool, Error>;

    /// Records a successful use (sets `last_used_at`). Called at most once a minute per key.
    ///
    /// # Errors
    /// [`Error::Store`].
    fn touch(&self, key_id: &str, at: Timestamp) -> Result<(), Error> {
        self.update(key_id, &mut |r| r.last_used_at = Some(at))
            .map(|_| ())
    }

    /// Every record of `principal`, for a dashboard's key list.
    ///
    /// # Errors
    /// [`Error::Store`].
    fn list_for(&self, principal: &str) -> Result<Vec<Arc<KeyRecord>>, Error>;
}

/// A [`KeyStore`] in a `RwLock<HashMap>`: for tests, single-process services, and as the cache in
/// front of a database. Reads take a shared lock and clone an `Arc` (no allocation).
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    records: RwLock<HashMap<String, Arc<KeyRecord>>>,
}

impl MemoryKeyStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records.read().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether the store holds no record.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn poisoned() -> Error {
    Error::Store("memory key store lock poisoned".into())
}

impl KeyStore for MemoryKeyStore {
    fn insert(&self, record: KeyRecord) -> Result<(), Error> {
        let mut map = self.records.write().map_err(|_| poisoned())?;
        if map.contains_key(&record.key_id) {
            return Err(Error::DuplicateKeyId);
        }
        map.insert(record.key_id.clone(), Arc::new(record));
        Ok(())
    }

    fn get(&self, key_id: &str) -> Result<Option<Arc<KeyRecord>>, Error> {
        let map = self.records.read().map_err(|_| poisoned())?;
        Ok(map.get(key_id).cloned())
    }

    fn update(&self, key_id: &str, change: &mut dyn FnMut(&mut KeyRecord)) -> Result<bool, Error> {
        let mut map = self.records.write().map_err(|_| poisoned())?;
        match map.get_mut(key_id) {
            Some(record) => {
                let mut next = KeyRecord::clone(record);
                change(&mut next);
                // The id is the map key: a change may not move the record.
                next.key_id.clone_from(&record.key_id);
                *record = Arc::new(next);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn list_for(&self, principal: &str) -> Result<Vec<Arc<KeyRecord>>, Error> {
        let map = self.records.read().map_err(|_| poisoned())?;
        let mut out: Vec<_> = map
            .values()
            .filter(|r| r.principal.as_deref() == Some(principal))
            .cloned()
            .collect();
        out.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then(a.key_id.cmp(&b.key_id))
        });
        Ok(out)
    }
}
