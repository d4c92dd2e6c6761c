//! A Redis backend shared by every instance of a service (feature `redis`).

use crate::{
    Clock, Decision, Error, KeyedLimiter, Limit, LimitReason, Quota, SetDecision, SystemClock,
    check_all,
};
use redis::aio::MultiplexedConnection;
use std::fmt;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// GCRA for several limits in one atomic step. Times are microseconds of the Redis server's
/// own clock (`TIME`), so instances whose clocks disagree still share one timeline.
/// KEYS[i]: bucket keys. ARGV[3i-2..3i]: interval, window and increment of limit i (µs).
/// A stored value that is not a number counts as a full bucket of debt (fail closed). A key
/// named twice in one call is charged twice (`pending` carries the first charge).
const SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = #KEYS
local out = {1, 0}
local new = {}
local pending = {}
local worst = -1
for i = 1, n do
  local interval = tonumber(ARGV[3*i-2])
  local window = tonumber(ARGV[3*i-1])
  local inc = tonumber(ARGV[3*i])
  local raw = pending[KEYS[i]] or redis.call('GET', KEYS[i])
  local tat = 0
  if raw then tat = tonumber(raw) or (now + window) end
  local base = math.max(tat, now)
  local nt = base + inc
  local after = nt - now
  if after > window then
    local wait = after - window
    if wait > worst then worst = wait; out[2] = i - 1 end
    out[1] = 0
    out[#out+1] = math.floor((window - (base - now)) / interval)
    out[#out+1] = base - now
    out[#out+1] = wait
  else
    new[i] = nt
    pending[KEYS[i]] = nt
    out[#out+1] = math.floor((window - after) / interval)
    out[#out+1] = after
    out[#out+1] = 0
  end
end
if out[1] == 1 then
  for i = 1, n do
    if tonumber(ARGV[3*i]) > 0 then
      redis.call('SET', KEYS[i], string.format('%d', new[i]), 'PX', math.floor((new[i] - now) / 1000) + 2)
    end
  end
end
return out
";

/// What a [`RedisLimiter`] does when Redis cannot answer (connect error, I/O error, timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnFailure {
    /// Admit the request (availability first). Charges nothing anywhere.
    FailOpen,
    /// Refuse the request with [`LimitReason::BackendUnavailable`] and this `retry_after`
    /// (the default, 1 s: safety first).
    FailClosed {
        /// The wait to advertise.
        retry_after: Duration,
    },
    /// Check in-process limiters with the same quotas instead. Each instance then enforces
    /// the full quota on its own, so N instances admit up to N× the quota during an outage.
    LocalFallback,
}

/// Where a decision came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// Redis answered.
    Redis,
    /// Redis failed; the decision is the [`OnFailure`] policy's.
    Failed {
        /// What failed.
        error: Error,
        /// The policy applied.
        policy: OnFailure,
    },
}

/// The answer of [`RedisLimiter::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisDecision {
    /// The decision for the set of limits (as [`check_all`]).
    pub set: SetDecision,
    /// Whether Redis produced it or the failure policy did.
    pub backend: Backend,
}

impl RedisDecision {
    /// The decision.
    pub fn decision(&self) -> &Decision {
        &self.set.decision
    }
}

struct NamedLimit {
    name: String,
    quota: Quota,
    interval_us: u64,
    fallback: KeyedLimiter<String, SystemClock>,
}

/// Builds a [`RedisLimiter`].
#[derive(Debug, Clone)]
pub struct RedisLimiterBuilder {
    url: String,
    prefix: String,
    limits: Vec<(String, Quota)>,
    timeout: Duration,
    connect_timeout: Duration,
    backoff: Duration,
    on_failure: OnFailure,
    fallback_max_keys: usize,
}

/// GCRA limits kept in Redis, shared by every instance of a horizontally scaled service.
///
/// - One round trip per check: a Lua script run with `EVALSHA` (loaded on first use) checks
///   every limit of the call against the Redis server's clock and writes all or nothing.
/// - Keys are `{prefix}:<limit>:<key>`: the hash tag `{prefix}` puts all of one limiter's
///   keys in one Redis Cluster slot, which is what lets one script touch several of them
///   atomically. (A limiter's whole load therefore goes to one Cluster node; use several
///   limiters with different prefixes to spread unrelated limits.)
/// - Every written key expires (`PX`) when its bucket would be full again, so Redis memory is
///   bounded by the keys active within one window.
/// - One multiplexed connection serves all concurrent checks. Every call has a timeout;
///   after a connection-level failure the limiter stops trying for a back-off period and
///   answers from its [`OnFailure`] policy at once, then reconnects. A failure is reported in
///   [`RedisDecision::backend`] and counted ([`RedisLimiter::failures`]); it never panics and
///   never hangs past the timeout.
/// - Resolution is 1 µs: intervals are rounded up to the microsecond (never more lenient).
pub struct RedisLimiter {
    client: redis::Client,
    conn: RwLock<Option<MultiplexedConnection>>,
    reconnect: tokio::sync::Mutex<()>,
    script: redis::Script,
    prefix: String,
    limits: Vec<NamedLimit>,
    timeout: Duration,
    connect_timeout: Duration,
    backoff: u64,
    down_until: AtomicU64,
    failures: AtomicU64,
    on_failure: OnFailure,
    clock: SystemClock,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: never printed.
        f.debug_struct("RedisLimiter")
            .field("prefix", &self.prefix)
            .field("on_failure", &self.on_failure)
            .finish_non_exhaustive()
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// The longest key accepted (bytes); longer request keys are an [`Error::InvalidConfig`].
pub const MAX_KEY_LEN: usize = 512;

impl RedisLimiter {
    /// A builder for `url` (`redis://host:port/db`, `rediss://` for TLS if the redis crate
    /// is built with it). `prefix` namespaces the keys and is the Cluster hash tag.
    pub fn builder(url: &str, prefix: &str) -> RedisLimiterBuilder {
        RedisLimiterBuilder {
            url: url.to_owned(),
            prefix: prefix.to_owned(),
            limits: Vec::new(),
            timeout: Duration::from_millis(100),
            connect_timeout: Duration::from_millis(250),
            backoff: Duration::from_secs(1),
            on_failure: OnFailure::FailClosed {
                retry_after: Duration::from_secs(1),
            },
            fallback_max_keys: 100_000,
        }
    }
}

impl RedisLimiterBuilder {
    /// Adds a named limit (`A-Z a-z 0-9 _ - .`, 1 to 64 characters).
    pub fn limit(mut self, name: &str, quota: Quota) -> Self {
        self.limits.push((name.to_owned(), quota));
        self
    }

    /// The timeout of one check's round trip (default 100 ms).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// The timeout of a connection attempt (default 250 ms).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// How long to answer from the failure policy without trying Redis after a connection
    /// failure (default 1 s).
    pub fn backoff(mut self, t: Duration) -> Self {
        self.backoff = t;
        self
    }

    /// The failure policy (default fail closed, 1 s).
    pub fn on_failure(mut self, p: OnFailure) -> Self {
        self.on_failure = p;
        self
    }

    /// The key cap of each in-process fallback limiter (default 100 000).
    pub fn fallback_max_keys(mut self, n: usize) -> Self {
        self.fallback_max_keys = n;
        self
    }

    /// The limiter. Does not connect: the first check does, so a service starts even while
    /// Redis is down (and applies its failure policy).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a bad URL, prefix, name, duplicate name, no limit, a
    /// window over 10 years, or a zero timeout.
    pub fn build(self) -> Result<RedisLimiter, Error> {
        let bad = |reason| Err(Error::InvalidConfig { reason });
        if !valid_name(&self.prefix) {
            return bad("the prefix must be 1 to 64 of A-Z a-z 0-9 _ - .");
        }
        if self.limits.is_empty() {
            return bad("a Redis limiter needs at least one limit");
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return bad("timeouts must be longer than zero");
        }
        let client = redis::Client::open(self.url.as_str()).map_err(|_| Error::InvalidConfig {
            reason: "the Redis URL does not parse",
        })?;
        let mut limits: Vec<NamedLimit> = Vec::with_capacity(self.limits.len());
        for (name, quota) in self.limits {
            if !valid_name(&name) {
                return bad("limit names must be 1 to 64 of A-Z a-z 0-9 _ - .");
            }
            if limits.iter().any(|l| l.name == name) {
                return bad("duplicate limit name");
            }
            let interval_us = quota.interval_nanos().div_ceil(1000);
            if interval_us.saturating_mul(u64::from(quota.burst())) > 10 * 365 * 86_400 * 1_000_000
            {
                return bad("a Redis quota's window must be under 10 years");
            }
            let fallback = KeyedLimiter::builder(quota)
                .max_keys(self.fallback_max_keys)
                .build()?;
            limits.push(NamedLimit {
                name,
                quota,
                interval_us,
                fallback,
            });
        }
        Ok(RedisLimiter {
            client,
            conn: RwLock::new(None),
            reconnect: tokio::sync::Mutex::new(()),
            script: redis::Script::new(SCRIPT),
            prefix: self.prefix,
            limits,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            backoff: u64::try_from(self.backoff.as_nanos()).unwrap_or(u64::MAX),
            down_until: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            on_failure: self.on_failure,
            clock: SystemClock,
        })
    }
}

enum Failure {
    /// The connection is suspect: drop it and back off.
    Connection(&'static str),
    /// The server answered something unusable.
    Reply(&'static str),
}

impl RedisLimiter {
    /// Failures seen since start (for a metric).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// The Redis key of `key` under `limit` (for operators and tests).
    pub fn redis_key(&self, limit: &str, key: &str) -> String {
        format!("{{{}}}:{limit}:{key}", self.prefix)
    }

    fn index(&self, name: &str) -> Result<usize, Error> {
        self.limits
            .iter()
            .position(|l| l.name == name)
            .ok_or(Error::UnknownLimit)
    }

    /// Checks and charges every `(limit name, key, cost)` as one: all or nothing, in one
    /// round trip.
    ///
    /// # Errors
    /// Misuse only: [`Error::UnknownLimit`], [`Error::CostExceedsBurst`], or
    /// [`Error::InvalidConfig`] for an empty list or a key over [`MAX_KEY_LEN`] bytes. A Redis
    /// failure is not an error: it is the policy's decision, reported in
    /// [`RedisDecision::backend`].
    pub async fn check(&self, checks: &[(&str, &str, u32)]) -> Result<RedisDecision, Error> {
        if checks.is_empty() {
            return Err(Error::InvalidConfig {
                reason: "nothing to check",
            });
        }
        let mut idx = Vec::with_capacity(checks.len());
        for (name, key, cost) in checks {
            let i = self.index(name)?;
            let l = self.limits.get(i).ok_or(Error::UnknownLimit)?;
            if *cost > l.quota.burst() {
                return Err(Error::CostExceedsBurst {
                    cost: *cost,
                    burst: l.quota.burst(),
                });
            }
            if key.len() > MAX_KEY_LEN {
                return Err(Error::InvalidConfig {
                    reason: "key longer than 512 bytes",
                });
            }
            idx.push(i);
        }
        let now = self.clock.now_nanos();
        if now < self.down_until.load(Ordering::Acquire) {
            return self.degrade("backing off", checks, &idx);
        }
        match self.run(checks, &idx).await {
            Ok(set) => Ok(RedisDecision {
                set,
                backend: Backend::Redis,
            }),
            Err(Failure::Connection(kind)) => {
                if let Ok(mut c) = self.conn.write() {
                    *c = None;
                }
                self.down_until.store(
                    self.clock.now_nanos().saturating_add(self.backoff),
                    Ordering::Release,
                );
                self.degrade(kind, checks, &idx)
            }
            Err(Failure::Reply(kind)) => self.degrade(kind, checks, &idx),
        }
    }

    async fn connection(&self) -> Result<MultiplexedConnection, Failure> {
        if let Some(c) = self.conn.read().ok().and_then(|c| c.clone()) {
            return Ok(c);
        }
        // One deadline for the whole wait (queueing on the reconnect lock included): callers
        // queued behind a failing attempt must not each make their own attempt in turn, or
        // the n-th would wait n × connect_timeout.
        match tokio::time::timeout(self.connect_timeout, self.reconnect_once()).await {
            Ok(r) => r,
            Err(_) => Err(Failure::Connection("timeout")),
        }
    }

    async fn reconnect_once(&self) -> Result<MultiplexedConnection, Failure> {
        let _one_at_a_time = self.reconnect.lock().await;
        if let Some(c) = self.conn.read().ok().and_then(|c| c.clone()) {
            return Ok(c);
        }
        // The attempt we queued behind failed: do not hammer a dead server, back off.
        if self.clock.now_nanos() < self.down_until.load(Ordering::Acquire) {
            return Err(Failure::Connection("backing off"));
        }
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.timeout));
        let conn = match self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(c) => c,
            Err(_) => return Err(Failure::Connection("connect")),
        };
        if let Ok(mut slot) = self.conn.write() {
            *slot = Some(conn.clone());
        }
        Ok(conn)
    }

    async fn run(
        &self,
        checks: &[(&str, &str, u32)],
        idx: &[usize],
    ) -> Result<SetDecision, Failure> {
        let mut conn = self.connection().await?;
        let mut inv = self.script.prepare_invoke();
        for ((name, key, cost), i) in checks.iter().zip(idx) {
            let l = self.limits.get(*i).ok_or(Failure::Reply("limit"))?;
            inv.key(self.redis_key(name, key));
            inv.arg(l.interval_us)
                .arg(l.interval_us.saturating_mul(u64::from(l.quota.burst())))
                .arg(l.interval_us.saturating_mul(u64::from(*cost)));
        }
        let reply: Vec<i64> =
            match tokio::time::timeout(self.timeout, inv.invoke_async(&mut conn)).await {
                Ok(Ok(v)) => v,
                Ok(Err(e)) => {
                    return Err(
                        if e.is_io_error() || e.is_connection_dropped() || e.is_timeout() {
                            Failure::Connection("io")
                        } else {
                            Failure::Reply("script")
                        },
                    );
                }
                Err(_) => return Err(Failure::Connection("timeout")),
            };
        parse_reply(&reply, checks.len()).ok_or(Failure::Reply("reply"))
    }

    fn degrade(
        &self,
        kind: &'static str,
        checks: &[(&str, &str, u32)],
        idx: &[usize],
    ) -> Result<RedisDecision, Error> {
        self.failures.fetch_add(1, Ordering::Relaxed);
        let backend = Backend::Failed {
            error: Error::Backend { kind },
            policy: self.on_failure,
        };
        let set = match self.on_failure {
            OnFailure::FailOpen => SetDecision {
                decision: Decision::Allowed {
                    remaining: 0,
                    reset_after: Duration::ZERO,
                },
                index: 0,
            },
            OnFailure::FailClosed { retry_after } => SetDecision {
                decision: Decision::Limited {
                    retry_after,
                    remaining: 0,
                    reset_after: retry_after,
                    reason: LimitReason::BackendUnavailable,
                },
                index: 0,
            },
            OnFailure::LocalFallback => {
                let bound: Vec<_> = checks
                    .iter()
                    .zip(idx)
                    .filter_map(|((_, key, cost), &i)| {
                        self.limits.get(i).map(|l| (l.fallback.key(*key), *cost))
                    })
                    .collect();
                let members: Vec<(&dyn Limit, u32)> =
                    bound.iter().map(|(k, c)| (k as &dyn Limit, *c)).collect();
                check_all(&members)?
            }
        };
        Ok(RedisDecision { set, backend })
    }
}

/// `[allowed, index, (remaining, reset_after_us, retry_after_us) × n]`.
fn parse_reply(reply: &[i64], n: usize) -> Option<SetDecision> {
    let (&allowed, rest) = reply.split_first()?;
    let (&index, triples) = rest.split_first()?;
    if triples.len() != 3 * n {
        return None;
    }
    let us = |v: i64| Duration::from_micros(u64::try_from(v).unwrap_or(0));
    let rem = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    if allowed == 1 {
        // The binding limit: fewest remaining.
        let (i, t) = triples
            .chunks_exact(3)
            .enumerate()
            .min_by_key(|(_, t)| t.first().copied().unwrap_or(0))?;
        Some(SetDecision {
            decision: Decision::Allowed {
                remaining: rem(*t.first()?),
                reset_after: us(*t.get(1)?),
            },
            index: i,
        })
    } else {
        let i = usize::try_from(index).ok()?;
        let t = triples.chunks_exact(3).nth(i)?;
        Some(SetDecision {
            decision: Decision::Limited {
                retry_after: us(*t.get(2)?),
                remaining: rem(*t.first()?),
                reset_after: us(*t.get(1)?),
                reason: LimitReason::Quota,
            },
            index: i,
        })
    }
}
