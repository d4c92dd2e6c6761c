//! The async Redis idempotency store (features `redis` + `tokio`): the same protocol as
//! [`RedisIdempotencyStore`](crate::RedisIdempotencyStore) on a multiplexed tokio connection,
//! with `'static`, `Send` guards for async handlers.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{Client, Script};

use crate::Error;
use crate::idempotency::{Fingerprint, IdempotencyConfig, validate_key};
use crate::redis_store::{COMPLETE, RELEASE, Record, backend, decode, in_flight_marker, millis};

struct Inner {
    client: Client,
    conn: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    prefix: String,
    cfg: IdempotencyConfig,
    poll: Duration,
    complete: Script,
    release: Script,
}

/// The idempotency store on Redis, async. Cheap to clone (a shared handle); `Send + Sync`.
#[derive(Clone)]
pub struct AsyncRedisIdempotencyStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AsyncRedisIdempotencyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncRedisIdempotencyStore")
            .field("prefix", &self.inner.prefix)
            .field("cfg", &self.inner.cfg)
            .finish_non_exhaustive()
    }
}

/// The answer of [`AsyncRedisIdempotencyStore::begin`].
#[derive(Debug)]
#[must_use]
pub enum AsyncRedisBegin {
    /// First request for the key: run it, then complete the guard.
    Run(AsyncRedisRunGuard),
    /// A completed duplicate: the stored response.
    Replay(Vec<u8>),
    /// In flight somewhere: wait for it.
    Wait(AsyncRedisWaiter),
}

/// Held by the request that runs. Dropping it without completing releases the key from a
/// spawned task (or, outside a runtime, when the lease expires).
#[derive(Debug)]
#[must_use = "complete the guard with the response, or drop it to release the key"]
pub struct AsyncRedisRunGuard {
    store: AsyncRedisIdempotencyStore,
    key: String,
    marker: Vec<u8>,
    fp: Fingerprint,
    done: bool,
}

/// Held by a duplicate of an in-flight request.
#[derive(Debug)]
pub struct AsyncRedisWaiter {
    store: AsyncRedisIdempotencyStore,
    key: String,
    fp: Fingerprint,
}

impl AsyncRedisIdempotencyStore {
    /// A store at `url` whose keys all start with `prefix`. Connects lazily; waiters poll every
    /// 50 ms.
    pub fn open(url: &str, prefix: &str, cfg: IdempotencyConfig) -> Result<Self, Error> {
        Self::build(url, prefix, cfg, Duration::from_millis(50))
    }

    /// Like [`AsyncRedisIdempotencyStore::open`] with another poll interval (at least 1 ms).
    pub fn with_poll_interval(
        url: &str,
        prefix: &str,
        cfg: IdempotencyConfig,
        poll: Duration,
    ) -> Result<Self, Error> {
        Self::build(url, prefix, cfg, poll.max(Duration::from_millis(1)))
    }

    fn build(
        url: &str,
        prefix: &str,
        cfg: IdempotencyConfig,
        poll: Duration,
    ) -> Result<Self, Error> {
        Ok(Self {
            inner: Arc::new(Inner {
                client: Client::open(url).map_err(backend)?,
                conn: tokio::sync::Mutex::new(None),
                prefix: prefix.to_owned(),
                cfg,
                poll,
                complete: Script::new(COMPLETE),
                release: Script::new(RELEASE),
            }),
        })
    }

    async fn conn(&self) -> Result<MultiplexedConnection, Error> {
        let mut g = self.inner.conn.lock().await;
        if let Some(c) = g.as_ref() {
            return Ok(c.clone());
        }
        let c = self
            .inner
            .client
            .get_multiplexed_async_connection()
            .await
            .map_err(backend)?;
        *g = Some(c.clone());
        Ok(c)
    }

    async fn fail(&self, e: redis::RedisError) -> Error {
        if e.is_io_error() || e.is_connection_dropped() {
            *self.inner.conn.lock().await = None;
        }
        backend(e)
    }

    async fn get(&self, key: &str) -> Result<Option<Record>, Error> {
        let mut c = self.conn().await?;
        let raw: Option<Vec<u8>> = match redis::cmd("GET").arg(key).query_async(&mut c).await {
            Ok(v) => v,
            Err(e) => return Err(self.fail(e).await),
        };
        raw.map(|r| decode(&r)).transpose()
    }

    /// Starts a request under `key` with content `fp` (see
    /// [`IdempotencyStore::begin`](crate::IdempotencyStore::begin)).
    pub async fn begin(&self, key: &str, fp: Fingerprint) -> Result<AsyncRedisBegin, Error> {
        validate_key(key)?;
        let full = format!("{}{}", self.inner.prefix, key);
        let marker = in_flight_marker(fp)?;
        for _ in 0..4 {
            let mut c = self.conn().await?;
            let set: Option<String> = match redis::cmd("SET")
                .arg(&full)
                .arg(&marker)
                .arg("NX")
                .arg("PX")
                .arg(millis(self.inner.cfg.lease()))
                .query_async(&mut c)
                .await
            {
                Ok(v) => v,
                Err(e) => return Err(self.fail(e).await),
            };
            if set.is_some() {
                return Ok(AsyncRedisBegin::Run(AsyncRedisRunGuard {
                    store: self.clone(),
                    key: full,
                    marker,
                    fp,
                    done: false,
                }));
            }
            match self.get(&full).await? {
                None => continue,
                Some(Record::Done(stored, body)) => {
                    return if stored == fp {
                        Ok(AsyncRedisBegin::Replay(body))
                    } else {
                        Err(Error::IdempotencyConflict)
                    };
                }
                Some(Record::InFlight(stored)) => {
                    return if stored == fp {
                        Ok(AsyncRedisBegin::Wait(AsyncRedisWaiter {
                            store: self.clone(),
                            key: full,
                            fp,
                        }))
                    } else {
                        Err(Error::IdempotencyConflict)
                    };
                }
            }
        }
        Err(Error::Backend {
            backend: "redis",
            message: "key kept changing during begin".into(),
        })
    }
}

async fn release(
    store: &AsyncRedisIdempotencyStore,
    key: &str,
    marker: &[u8],
) -> Result<(), Error> {
    let mut c = store.conn().await?;
    let r: Result<i64, _> = store
        .inner
        .release
        .key(key)
        .arg(marker)
        .invoke_async(&mut c)
        .await;
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err(store.fail(e).await),
    }
}

impl AsyncRedisRunGuard {
    /// Stores `response` for the window and so releases the waiters on every instance.
    /// `Ok(false)`: the lease had expired and another request holds the key; nothing stored.
    pub async fn complete(mut self, response: &[u8]) -> Result<bool, Error> {
        // `done` is set only once the script has answered: if this future is cancelled
        // mid-call, the guard's drop releases the key (compare-and-delete on the marker, so it
        // is a no-op if the completion already landed) instead of leaving it locked for the
        // whole lease with every waiter blocked.
        let mut record = Vec::with_capacity(33 + response.len());
        record.push(b'D');
        record.extend_from_slice(self.fp.as_bytes());
        record.extend_from_slice(response);
        let store = &self.store;
        let mut c = store.conn().await?;
        let r: Result<i64, _> = store
            .inner
            .complete
            .key(&self.key)
            .arg(&self.marker)
            .arg(&record)
            .arg(millis(store.inner.cfg.ttl()))
            .invoke_async(&mut c)
            .await;
        self.done = true;
        match r {
            Ok(n) => Ok(n == 1),
            Err(e) => Err(store.fail(e).await),
        }
    }

    /// Releases the key without storing, reporting backend errors.
    pub async fn release(mut self) -> Result<(), Error> {
        let r = release(&self.store, &self.key, &self.marker).await;
        // Set after the call: a cancelled release still releases from drop.
        self.done = true;
        r
    }
}

impl Drop for AsyncRedisRunGuard {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let store = self.store.clone();
            let key = std::mem::take(&mut self.key);
            let marker = std::mem::take(&mut self.marker);
            handle.spawn(async move {
                // Best effort: if Redis is unreachable, the lease expiry frees the key.
                let _ = release(&store, &key, &marker).await;
            });
        }
    }
}

impl AsyncRedisWaiter {
    /// Polls until the first request completes (its response), is abandoned
    /// ([`Error::Abandoned`]), or `timeout` passes ([`Error::WaitTimeout`]).
    pub async fn wait(self, timeout: Duration) -> Result<Vec<u8>, Error> {
        let poll = async {
            loop {
                match self.store.get(&self.key).await? {
                    Some(Record::Done(stored, body)) if stored == self.fp => return Ok(body),
                    Some(Record::Done(..)) => return Err(Error::IdempotencyConflict),
                    None => return Err(Error::Abandoned),
                    Some(Record::InFlight(_)) => {}
                }
                tokio::time::sleep(self.store.inner.poll).await;
            }
        };
        tokio::time::timeout(timeout, poll)
            .await
            .unwrap_or(Err(Error::WaitTimeout))
    }
}
