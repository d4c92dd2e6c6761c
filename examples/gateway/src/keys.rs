//! API keys: key-format's [`key_format::KeyManager`] over a SQLite-backed [`KeyStore`] with an in-memory
//! cache in front (verification does one hash-map lookup; every change is written through).

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use key_format::{Error as KeyError, KeyRecord, KeyStore, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::StartError;
use crate::store::Db;

/// What the gateway stores per key: key-format's record (a peppered hash, never the key) plus
/// the tool allow-list of that key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredKey {
    /// key-format's record.
    pub record: KeyRecord,
    /// Tools this key may offer to the model (`None`: no tools at all).
    #[serde(default)]
    pub tools: Option<Vec<String>>,
}

/// A cached record with its tool allow-list.
pub type Entry = (Arc<KeyRecord>, Option<Arc<[String]>>);

/// The store.
pub struct SqliteKeyStore {
    db: Arc<Db>,
    cache: RwLock<HashMap<String, Entry>>,
}

impl std::fmt::Debug for SqliteKeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteKeyStore")
    }
}

fn store_err(e: impl std::error::Error + Send + Sync + 'static) -> KeyError {
    KeyError::Store(Box::new(e))
}

impl SqliteKeyStore {
    /// Loads every record of `db`.
    pub fn open(db: Arc<Db>) -> Result<Self, StartError> {
        let mut cache = HashMap::new();
        for (id, json) in db.keys().map_err(|e| StartError::Database(e.to_string()))? {
            let stored: StoredKey = serde_json::from_str(&json)
                .map_err(|e| StartError::Database(format!("key record {id}: {e}")))?;
            let tools = stored.tools.map(Arc::from);
            cache.insert(id, (Arc::new(stored.record), tools));
        }
        Ok(Self {
            db,
            cache: RwLock::new(cache),
        })
    }

    fn write(&self, record: &KeyRecord, tools: Option<&[String]>) -> Result<(), KeyError> {
        let stored = StoredKey {
            record: record.clone(),
            tools: tools.map(<[String]>::to_vec),
        };
        let json = serde_json::to_string(&stored).map_err(store_err)?;
        self.db.put_key(&record.key_id, &json).map_err(store_err)
    }

    /// Every record with its tools, newest first (for the admin list).
    pub fn list_all(&self) -> Vec<Entry> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        let mut all: Vec<_> = cache.values().cloned().collect();
        all.sort_by(|a, b| {
            b.0.created_at
                .cmp(&a.0.created_at)
                .then_with(|| a.0.key_id.cmp(&b.0.key_id))
        });
        all
    }

    /// The tool allow-list of `key_id`.
    pub fn tools(&self, key_id: &str) -> Option<Arc<[String]>> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        cache.get(key_id).and_then(|(_, t)| t.clone())
    }

    /// Sets the tool allow-list of `key_id`; `false` when there is no such key.
    pub fn set_tools(&self, key_id: &str, tools: Option<Vec<String>>) -> Result<bool, KeyError> {
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = cache.get_mut(key_id) else {
            return Ok(false);
        };
        let tools: Option<Arc<[String]>> = tools.map(Arc::from);
        self.write(&entry.0, tools.as_deref())?;
        entry.1 = tools;
        Ok(true)
    }
}

impl KeyStore for SqliteKeyStore {
    fn insert(&self, record: KeyRecord) -> Result<(), KeyError> {
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        if cache.contains_key(&record.key_id) {
            return Err(KeyError::DuplicateKeyId);
        }
        self.write(&record, None)?;
        cache.insert(record.key_id.clone(), (Arc::new(record), None));
        Ok(())
    }

    fn get(&self, key_id: &str) -> Result<Option<Arc<KeyRecord>>, KeyError> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        Ok(cache.get(key_id).map(|(r, _)| r.clone()))
    }

    fn update(
        &self,
        key_id: &str,
        change: &mut dyn FnMut(&mut KeyRecord),
    ) -> Result<bool, KeyError> {
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = cache.get_mut(key_id) else {
            return Ok(false);
        };
        let mut record = (*entry.0).clone();
        change(&mut record);
        self.write(&record, entry.1.as_deref())?;
        entry.0 = Arc::new(record);
        Ok(true)
    }

    fn touch(&self, key_id: &str, at: Timestamp) -> Result<(), KeyError> {
        self.update(key_id, &mut |r| r.last_used_at = Some(at))
            .map(drop)
    }

    fn list_for(&self, principal: &str) -> Result<Vec<Arc<KeyRecord>>, KeyError> {
        Ok(self
            .list_all()
            .into_iter()
            .filter(|(r, _)| r.principal.as_deref() == Some(principal))
            .map(|(r, _)| r)
            .collect())
    }
}

/// A record as the admin API shows it (no hash, no plaintext).
pub fn record_json(record: &KeyRecord, tools: Option<&[String]>) -> serde_json::Value {
    serde_json::json!({
        "id": record.key_id,
        "prefix": record.prefix,
        "label": record.label,
        "principal": record.principal,
        "scopes": record.scopes.iter().collect::<Vec<_>>(),
        "tools": tools,
        "created_at": record.created_at.unix_secs(),
        "expires_at": record.expires_at.map(Timestamp::unix_secs),
        "revoked_at": record.revoked_at.map(Timestamp::unix_secs),
        "last_used_at": record.last_used_at.map(Timestamp::unix_secs),
        "replaces": record.replaces,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use key_format::{KeyManager, KeyRequest, ScopeSet, ServerSecret, Verification};

    #[test]
    fn records_survive_a_restart_and_revocation_is_persisted() {
        let dir = tempfile::tempdir().unwrap();
        let secret = || ServerSecret::from_bytes(&[7u8; 32]).unwrap();
        let (plain, id) = {
            let db = Arc::new(Db::open(dir.path()).unwrap());
            let store = Arc::new(SqliteKeyStore::open(db).unwrap());
            let keys = KeyManager::builder("rmp", secret())
                .store(store.clone())
                .build()
                .unwrap();
            let issued = keys
                .issue(KeyRequest::new().scopes(ScopeSet::parse("execute:*").unwrap()))
                .unwrap();
            let (plain, record) = issued.into_parts();
            assert!(
                store
                    .set_tools(&record.key_id, Some(vec!["search".into()]))
                    .unwrap()
            );
            (plain.expose().to_owned(), record.key_id)
        };
        let db = Arc::new(Db::open(dir.path()).unwrap());
        let store = Arc::new(SqliteKeyStore::open(db).unwrap());
        assert_eq!(
            store.tools(&id).as_deref(),
            Some(&["search".to_owned()][..])
        );
        let keys = KeyManager::builder("rmp", secret())
            .store(store.clone())
            .build()
            .unwrap();
        assert!(keys.verify(&plain).unwrap().is_valid());
        keys.revoke(&id).unwrap();
        let db = Arc::new(Db::open(dir.path()).unwrap());
        let store = Arc::new(SqliteKeyStore::open(db).unwrap());
        let keys = KeyManager::builder("rmp", secret())
            .store(store)
            .build()
            .unwrap();
        assert!(matches!(
            keys.verify(&plain).unwrap(),
            Verification::Revoked
        ));
    }
}
