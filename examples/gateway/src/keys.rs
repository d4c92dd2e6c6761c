//! API keys: key-format's [`key_format::KeyManager`] over a [`KeyStore`] with an in-memory
//! cache in front of SQLite (the default) or, with feature `postgres` and
//! `RAMPART_POSTGRES_URL`, PostgreSQL shared by every instance.
//!
//! - SQLite: the cache is the truth for this instance (every change is written through);
//!   verification does one hash-map lookup.
//! - PostgreSQL: [`CachedKeyStore::refresh_for`] re-reads the presented key's row (one
//!   primary-key lookup) before every verification, so a revoke committed on any instance is
//!   seen by the very next request everywhere: the cache never answers with a stale record.
//!   Changes are compare-and-set on the row's version, and the cache keeps the version it read:
//!   it never goes back to an older one, so a read that started before a revoke and finished
//!   after it (a concurrent request of the same key, the admin list) cannot restore the
//!   unrevoked record for the request verifying next.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::http::HeaderMap;
use key_format::{Error as KeyError, KeyManager, KeyRecord, KeyStore, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, StartError};
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

/// A cache slot: the entry and the row version it was read at (always 0 with SQLite).
#[derive(Debug, Clone)]
struct Cached {
    entry: Entry,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    version: i64,
}

/// Where the records live.
#[derive(Debug)]
enum Backend {
    Sqlite(Arc<Db>),
    #[cfg(feature = "postgres")]
    Postgres(Arc<crate::pg::PgKeys>),
}

/// The store: a cache in front of SQLite or PostgreSQL.
pub struct CachedKeyStore {
    backend: Backend,
    /// With PostgreSQL, never moves back to an older row version: a slow read that started
    /// before a revoke cannot put the unrevoked record back after a newer read stored the
    /// revoked one (a request verifying in between would pass with a revoked key).
    cache: RwLock<HashMap<String, Cached>>,
}

impl std::fmt::Debug for CachedKeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedKeyStore")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

fn store_err(e: impl std::error::Error + Send + Sync + 'static) -> KeyError {
    KeyError::Store(Box::new(e))
}

fn parse(id: &str, json: &str) -> Result<StoredKey, KeyError> {
    serde_json::from_str(json).map_err(|e| KeyError::Store(format!("key record {id}: {e}").into()))
}

fn entry(stored: StoredKey) -> Entry {
    (Arc::new(stored.record), stored.tools.map(Arc::from))
}

fn cached(stored: StoredKey, version: i64) -> Cached {
    Cached {
        entry: entry(stored),
        version,
    }
}

impl CachedKeyStore {
    /// Loads every record of `db`.
    pub fn open(db: Arc<Db>) -> Result<Self, StartError> {
        let mut cache = HashMap::new();
        for (id, json) in db.keys().map_err(|e| StartError::Database(e.to_string()))? {
            let stored = parse(&id, &json).map_err(|e| StartError::Database(e.to_string()))?;
            cache.insert(id, cached(stored, 0));
        }
        Ok(Self {
            backend: Backend::Sqlite(db),
            cache: RwLock::new(cache),
        })
    }

    /// A store over the PostgreSQL table (records are read on demand, nothing is preloaded).
    #[cfg(feature = "postgres")]
    pub fn postgres(pg: Arc<crate::pg::PgKeys>) -> Self {
        Self {
            backend: Backend::Postgres(pg),
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// Whether the records live in PostgreSQL (shared by every instance).
    pub fn shared(&self) -> bool {
        !matches!(self.backend, Backend::Sqlite(_))
    }

    /// Stores the row of `id` read at `version` (`None`: there is no such row), unless the
    /// cache already holds a newer version of it.
    #[cfg(feature = "postgres")]
    fn cache_put(&self, id: &str, stored: Option<(StoredKey, i64)>) {
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        match stored {
            Some((s, version)) => {
                if cache.get(id).is_none_or(|c| c.version <= version) {
                    cache.insert(id.to_owned(), cached(s, version));
                }
            }
            None => {
                cache.remove(id);
            }
        }
    }

    /// Before a verification: with PostgreSQL, re-reads the row of the key presented in
    /// `headers` (when it is well-formed and its tag checks out, so junk never reaches the
    /// database) into the cache. A database failure is 503 (fail closed: no verification
    /// against a record that may be stale). With SQLite, nothing to do.
    pub async fn refresh_for(
        &self,
        keys: &KeyManager,
        headers: &HeaderMap,
    ) -> Result<(), ApiError> {
        #[cfg(feature = "postgres")]
        if let Backend::Postgres(_) = &self.backend {
            let crate::http::Bearer::Token(token) = crate::http::bearer(headers) else {
                return Ok(());
            };
            let Ok(parsed) = keys.format().parse(token) else {
                return Ok(());
            };
            return self.refresh_id(parsed.key_id()).await;
        }
        let _ = (keys, headers);
        Ok(())
    }

    /// With PostgreSQL, re-reads the row of `id` into the cache (503 when the database
    /// fails). With SQLite, nothing to do.
    pub async fn refresh_id(&self, id: &str) -> Result<(), ApiError> {
        #[cfg(feature = "postgres")]
        if let Backend::Postgres(pg) = &self.backend {
            let stored = match pg.fetch(id).await {
                Ok(Some((json, version))) => {
                    Some((parse(id, &json).map_err(unavailable)?, version))
                }
                Ok(None) => None,
                Err(e) => return Err(unavailable(e)),
            };
            self.cache_put(id, stored);
        }
        let _ = id;
        Ok(())
    }

    /// With PostgreSQL, reloads every record into the cache (the admin list). With SQLite,
    /// nothing to do.
    pub async fn refresh_all(&self) -> Result<(), ApiError> {
        #[cfg(feature = "postgres")]
        if let Backend::Postgres(pg) = &self.backend {
            let rows = pg.fetch_all().await.map_err(unavailable)?;
            let mut fresh = HashMap::with_capacity(rows.len());
            for (id, json, version) in rows {
                let stored = parse(&id, &json).map_err(unavailable)?;
                fresh.insert(id, cached(stored, version));
            }
            let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
            // A record read since the snapshot at a newer version stays (never back in time).
            for (id, slot) in fresh.iter_mut() {
                if let Some(newer) = cache.get(id).filter(|c| c.version > slot.version) {
                    *slot = newer.clone();
                }
            }
            *cache = fresh;
        }
        Ok(())
    }

    /// Every record with its tools, newest first (for the admin list; call
    /// [`CachedKeyStore::refresh_all`] first).
    pub fn list_all(&self) -> Vec<Entry> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        let mut all: Vec<_> = cache.values().map(|c| c.entry.clone()).collect();
        all.sort_by(|a, b| {
            b.0.created_at
                .cmp(&a.0.created_at)
                .then_with(|| a.0.key_id.cmp(&b.0.key_id))
        });
        all
    }

    /// The tool allow-list of `key_id` (as of the last refresh).
    pub fn tools(&self, key_id: &str) -> Option<Arc<[String]>> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        cache.get(key_id).and_then(|c| c.entry.1.clone())
    }

    /// Sets the tool allow-list of `key_id`; `false` when there is no such key.
    pub fn set_tools(&self, key_id: &str, tools: Option<Vec<String>>) -> Result<bool, KeyError> {
        self.change(key_id, &mut |s| s.tools.clone_from(&tools))
    }

    /// Applies `change` to the stored record of `key_id` (atomically for this backend) and
    /// refreshes the cache; `false` when there is no such key.
    fn change(
        &self,
        key_id: &str,
        change: &mut dyn FnMut(&mut StoredKey),
    ) -> Result<bool, KeyError> {
        match &self.backend {
            Backend::Sqlite(db) => {
                let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
                let Some(Cached { entry, .. }) = cache.get_mut(key_id) else {
                    return Ok(false);
                };
                let mut stored = StoredKey {
                    record: (*entry.0).clone(),
                    tools: entry.1.as_deref().map(<[String]>::to_vec),
                };
                change(&mut stored);
                stored.record.key_id = key_id.to_owned();
                let json = serde_json::to_string(&stored).map_err(store_err)?;
                db.put_key(key_id, &json).map_err(store_err)?;
                *entry = self::entry(stored);
                Ok(true)
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres(pg) => {
                // Compare-and-set on the version: a concurrent change on another instance
                // makes this one read again instead of overwriting it.
                for _ in 0..16 {
                    let Some((json, version)) = pg.fetch_blocking(key_id).map_err(store_err)?
                    else {
                        self.cache_put(key_id, None);
                        return Ok(false);
                    };
                    let mut stored = parse(key_id, &json)?;
                    change(&mut stored);
                    stored.record.key_id = key_id.to_owned();
                    let json = serde_json::to_string(&stored).map_err(store_err)?;
                    if pg
                        .compare_and_set_blocking(key_id, &json, version)
                        .map_err(store_err)?
                    {
                        self.cache_put(key_id, Some((stored, version.saturating_add(1))));
                        return Ok(true);
                    }
                }
                Err(KeyError::Store("key record kept changing".into()))
            }
        }
    }
}

#[cfg(feature = "postgres")]
fn unavailable(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "key store failed");
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "INTERNAL_002",
        "key store unavailable",
    )
}

impl KeyStore for CachedKeyStore {
    fn insert(&self, record: KeyRecord) -> Result<(), KeyError> {
        let stored = StoredKey {
            record,
            tools: None,
        };
        let id = stored.record.key_id.clone();
        let json = serde_json::to_string(&stored).map_err(store_err)?;
        match &self.backend {
            Backend::Sqlite(db) => {
                let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
                if cache.contains_key(&id) {
                    return Err(KeyError::DuplicateKeyId);
                }
                db.put_key(&id, &json).map_err(store_err)?;
                cache.insert(id, cached(stored, 0));
            }
            #[cfg(feature = "postgres")]
            Backend::Postgres(pg) => {
                if !pg.insert_blocking(&id, &json).map_err(store_err)? {
                    return Err(KeyError::DuplicateKeyId);
                }
                self.cache_put(&id, Some((stored, 0)));
            }
        }
        Ok(())
    }

    fn get(&self, key_id: &str) -> Result<Option<Arc<KeyRecord>>, KeyError> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        Ok(cache.get(key_id).map(|c| c.entry.0.clone()))
    }

    fn update(
        &self,
        key_id: &str,
        change: &mut dyn FnMut(&mut KeyRecord),
    ) -> Result<bool, KeyError> {
        self.change(key_id, &mut |s| change(&mut s.record))
    }

    fn touch(&self, key_id: &str, at: Timestamp) -> Result<(), KeyError> {
        match &self.backend {
            Backend::Sqlite(_) => self
                .update(key_id, &mut |r| r.last_used_at = Some(at))
                .map(drop),
            #[cfg(feature = "postgres")]
            Backend::Postgres(pg) => {
                // Called from verification on the request path: written in the background
                // (compare-and-set, so it never undoes a concurrent revoke), never waited for.
                if let Some(entry) = self
                    .cache
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_mut(key_id)
                {
                    let mut record = (*entry.entry.0).clone();
                    record.last_used_at = Some(at);
                    entry.entry.0 = Arc::new(record);
                }
                let (pg2, id) = (pg.clone(), key_id.to_owned());
                pg.spawn(async move {
                    for _ in 0..4 {
                        let Ok(Some((json, version))) = pg2.fetch(&id).await else {
                            return;
                        };
                        let Ok(mut stored) = serde_json::from_str::<StoredKey>(&json) else {
                            return;
                        };
                        stored.record.last_used_at = Some(at);
                        let Ok(json) = serde_json::to_string(&stored) else {
                            return;
                        };
                        if !matches!(pg2.compare_and_set(&id, &json, version).await, Ok(false)) {
                            return;
                        }
                    }
                });
                Ok(())
            }
        }
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
            let store = Arc::new(CachedKeyStore::open(db).unwrap());
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
        let store = Arc::new(CachedKeyStore::open(db).unwrap());
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
        let store = Arc::new(CachedKeyStore::open(db).unwrap());
        let keys = KeyManager::builder("rmp", secret())
            .store(store)
            .build()
            .unwrap();
        assert!(matches!(
            keys.verify(&plain).unwrap(),
            Verification::Revoked
        ));
    }

    /// A read of the row that started before a revoke but lands in the cache after the
    /// revoke's newer version (two requests of one key at once, or the admin list racing a
    /// request) must not bring the unrevoked record back: the request verifying next would
    /// pass with a revoked key.
    #[cfg(feature = "postgres")]
    #[test]
    fn a_stale_read_never_undoes_a_revocation_in_the_cache() {
        let Ok(url) = std::env::var("RAMPART_POSTGRES_URL") else {
            println!("skipped: RAMPART_POSTGRES_URL not set");
            return;
        };
        let mut suffix = [0u8; 6];
        getrandom::fill(&mut suffix).unwrap();
        let schema = format!("rampart_keys_{}", hex::encode(suffix));
        let pg = crate::pg::PgKeys::connect(&url, &schema).unwrap();
        let store = Arc::new(CachedKeyStore::postgres(pg.clone()));
        let keys = KeyManager::builder("rmp", ServerSecret::from_bytes(&[7u8; 32]).unwrap())
            .store(store.clone())
            .build()
            .unwrap();
        let (plain, record) = keys
            .issue(KeyRequest::new().scopes(ScopeSet::parse("execute:*").unwrap()))
            .unwrap()
            .into_parts();
        let id = record.key_id;
        // A read taken before the revoke ...
        let (stale_json, stale_version) = pg.fetch_blocking(&id).unwrap().unwrap();
        keys.revoke(&id).unwrap();
        assert!(matches!(
            keys.verify(plain.expose()).unwrap(),
            Verification::Revoked
        ));
        // ... lands after it.
        store.cache_put(&id, Some((parse(&id, &stale_json).unwrap(), stale_version)));
        assert!(matches!(
            keys.verify(plain.expose()).unwrap(),
            Verification::Revoked
        ));
        // The admin list's snapshot cannot either.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(store.refresh_all()).unwrap();
        rt.block_on(store.refresh_id(&id)).unwrap();
        assert!(matches!(
            keys.verify(plain.expose()).unwrap(),
            Verification::Revoked
        ));
        pg.drop_schema().unwrap();
    }
}
