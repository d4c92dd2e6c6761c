//! A Redis idempotency store for several gateway instances (feature `redis`).
//!
//! One Redis key per idempotency key, `{prefix}{key}`, holding either an in-flight marker
//! (`I` ‖ fingerprint ‖ random token, set with `SET NX PX lease`) or the stored response
//! (`D` ‖ fingerprint ‖ body, `PX ttl`). Completion and release are compare-and-set Lua scripts
//! keyed on the runner's token, so a runner whose lease expired can neither overwrite nor
//! delete the entry of the request that took over; a late runner whose key is vacant (nobody
//! took over) still stores its response, so a duplicate replays the work instead of repeating
//! it. Waiters on other instances poll the key.
//!
//! Responses are bytes: serialize what you store (status, headers you replay, body). The
//! client is synchronous; on an async runtime call it from `spawn_blocking`.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use redis::{Client, Connection, Script};

use crate::Error;
use crate::idempotency::{Fingerprint, IdempotencyConfig, validate_key};

pub(crate) fn backend(e: redis::RedisError) -> Error {
    Error::Backend {
        backend: "redis",
        message: e.to_string(),
    }
}

pub(crate) const COMPLETE: &str = r"
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == false then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0";

pub(crate) const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// The idempotency store on Redis. `Send + Sync`; share it in an `Arc`.
pub struct RedisIdempotencyStore {
    client: Client,
    conn: Mutex<Option<Connection>>,
    prefix: String,
    cfg: IdempotencyConfig,
    poll: Duration,
    complete: Script,
    release: Script,
}

impl std::fmt::Debug for RedisIdempotencyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisIdempotencyStore")
            .field("prefix", &self.prefix)
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// The answer of [`RedisIdempotencyStore::begin`].
#[derive(Debug)]
#[must_use]
pub enum RedisBegin<'a> {
    /// First request for the key (on any instance): run it, then complete the guard.
    Run(RedisRunGuard<'a>),
    /// A completed duplicate: the stored response.
    Replay(Vec<u8>),
    /// In flight somewhere: wait for it.
    Wait(RedisWaiter<'a>),
}

/// Held by the request that runs; dropping it without completing releases the key.
#[derive(Debug)]
#[must_use = "complete the guard with the response, or drop it to release the key"]
pub struct RedisRunGuard<'a> {
    store: &'a RedisIdempotencyStore,
    key: String,
    marker: Vec<u8>,
    fp: Fingerprint,
    done: bool,
}

/// Held by a duplicate of an in-flight request.
#[derive(Debug)]
pub struct RedisWaiter<'a> {
    store: &'a RedisIdempotencyStore,
    key: String,
    fp: Fingerprint,
}

pub(crate) enum Record {
    InFlight(Fingerprint),
    Done(Fingerprint, Vec<u8>),
}

pub(crate) fn decode(raw: &[u8]) -> Result<Record, Error> {
    let (tag, rest) = raw.split_first().ok_or(Error::CorruptRecord)?;
    let (fp, tail) = rest.split_at_checked(32).ok_or(Error::CorruptRecord)?;
    let fp: [u8; 32] = fp.try_into().map_err(|_| Error::CorruptRecord)?;
    match tag {
        b'I' if tail.len() == 16 => Ok(Record::InFlight(Fingerprint::from_bytes(fp))),
        b'D' => Ok(Record::Done(Fingerprint::from_bytes(fp), tail.to_vec())),
        _ => Err(Error::CorruptRecord),
    }
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// `I` ‖ fingerprint ‖ 16 random bytes: the runner's token.
pub(crate) fn in_flight_marker(fp: Fingerprint) -> Result<Vec<u8>, Error> {
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).map_err(|_| Error::Entropy)?;
    let mut marker = Vec::with_capacity(49);
    marker.push(b'I');
    marker.extend_from_slice(fp.as_bytes());
    marker.extend_from_slice(&token);
    Ok(marker)
}

impl RedisIdempotencyStore {
    /// A store at `url` (`redis://host:port/db`) whose keys all start with `prefix` (give each
    /// application its own). Connects lazily; waiters poll every 50 ms.
    pub fn open(url: &str, prefix: &str, cfg: IdempotencyConfig) -> Result<Self, Error> {
        let client = Client::open(url).map_err(backend)?;
        Ok(Self {
            client,
            conn: Mutex::new(None),
            prefix: prefix.to_owned(),
            cfg,
            poll: Duration::from_millis(50),
            complete: Script::new(COMPLETE),
            release: Script::new(RELEASE),
        })
    }

    /// How often waiters poll (default 50 ms; at least 1 ms).
    pub fn with_poll_interval(mut self, d: Duration) -> Self {
        self.poll = d.max(Duration::from_millis(1));
        self
    }

    /// Runs `f` on the shared connection, reconnecting after a failure.
    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>,
    ) -> Result<T, Error> {
        let mut guard: MutexGuard<'_, Option<Connection>> =
            self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        if guard.is_none() {
            *guard = Some(self.client.get_connection().map_err(backend)?);
        }
        let conn = guard.as_mut().ok_or(Error::CorruptRecord)?;
        match f(conn) {
            Ok(v) => Ok(v),
            Err(e) => {
                if e.is_io_error() || e.is_connection_dropped() {
                    *guard = None;
                }
                Err(backend(e))
            }
        }
    }

    fn get(&self, key: &str) -> Result<Option<Record>, Error> {
        let raw: Option<Vec<u8>> = self.with_conn(|c| redis::cmd("GET").arg(key).query(c))?;
        raw.map(|r| decode(&r)).transpose()
    }

    /// Starts a request under `key` with content `fp` (see
    /// [`IdempotencyStore::begin`](crate::IdempotencyStore::begin)).
    pub fn begin(&self, key: &str, fp: Fingerprint) -> Result<RedisBegin<'_>, Error> {
        validate_key(key)?;
        let full = format!("{}{}", self.prefix, key);
        let marker = in_flight_marker(fp)?;
        // A key can vanish between SET NX and GET (expiry, release): try a few times.
        for _ in 0..4 {
            let set: Option<String> = self.with_conn(|c| {
                redis::cmd("SET")
                    .arg(&full)
                    .arg(&marker)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(self.cfg.lease()))
                    .query(c)
            })?;
            if set.is_some() {
                return Ok(RedisBegin::Run(RedisRunGuard {
                    store: self,
                    key: full,
                    marker,
                    fp,
                    done: false,
                }));
            }
            match self.get(&full)? {
                None => continue,
                Some(Record::Done(stored, body)) => {
                    return if stored == fp {
                        Ok(RedisBegin::Replay(body))
                    } else {
                        Err(Error::IdempotencyConflict)
                    };
                }
                Some(Record::InFlight(stored)) => {
                    return if stored == fp {
                        Ok(RedisBegin::Wait(RedisWaiter {
                            store: self,
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

impl RedisRunGuard<'_> {
    /// Stores `response` for the window (if this guard still holds the key, or the key is
    /// vacant because the lease ran out and nobody took over: the work was done, so duplicates
    /// must replay it) and so releases the waiters on every instance. `Ok(false)`: the lease had
    /// expired and another request holds the key; nothing was stored.
    pub fn complete(mut self, response: &[u8]) -> Result<bool, Error> {
        self.done = true;
        let mut record = Vec::with_capacity(33 + response.len());
        record.push(b'D');
        record.extend_from_slice(self.fp.as_bytes());
        record.extend_from_slice(response);
        let store = self.store;
        let n: i64 = store.with_conn(|c| {
            store
                .complete
                .key(&self.key)
                .arg(&self.marker)
                .arg(&record)
                .arg(millis(store.cfg.ttl()))
                .invoke(c)
        })?;
        Ok(n == 1)
    }

    /// Releases the key without storing (same as dropping, but reports backend errors).
    pub fn release(mut self) -> Result<(), Error> {
        self.done = true;
        self.release_now()
    }

    fn release_now(&self) -> Result<(), Error> {
        let store = self.store;
        let _: i64 =
            store.with_conn(|c| store.release.key(&self.key).arg(&self.marker).invoke(c))?;
        Ok(())
    }
}

impl Drop for RedisRunGuard<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Best effort: if Redis is unreachable, the lease expiry frees the key.
            let _ = self.release_now();
        }
    }
}

impl RedisWaiter<'_> {
    /// Polls until the first request completes (its response), is abandoned
    /// ([`Error::Abandoned`]: the key is free, retry), or `timeout` passes
    /// ([`Error::WaitTimeout`]).
    pub fn wait(self, timeout: Duration) -> Result<Vec<u8>, Error> {
        let start = Instant::now();
        loop {
            match self.store.get(&self.key)? {
                Some(Record::Done(stored, body)) if stored == self.fp => return Ok(body),
                Some(Record::Done(..)) => return Err(Error::IdempotencyConflict),
                None => return Err(Error::Abandoned),
                Some(Record::InFlight(_)) => {}
            }
            let left = timeout.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Err(Error::WaitTimeout);
            }
            std::thread::sleep(self.store.poll.min(left));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_decode_or_fail_typed() {
        let mut inflight = vec![b'I'];
        inflight.extend_from_slice(&[7; 32]);
        inflight.extend_from_slice(&[1; 16]);
        assert!(matches!(decode(&inflight), Ok(Record::InFlight(_))));
        let mut done = vec![b'D'];
        done.extend_from_slice(&[7; 32]);
        done.extend_from_slice(b"body");
        assert!(matches!(decode(&done), Ok(Record::Done(_, b)) if b == b"body"));
        for bad in [
            &b""[..],
            b"D",
            b"Xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            &inflight[..40],
        ] {
            assert!(matches!(decode(bad), Err(Error::CorruptRecord)));
        }
    }
}
