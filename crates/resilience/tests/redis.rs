//! The Redis idempotency store against a real server (`RAMPART_REDIS_URL`; skipped when unset).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![cfg(feature = "redis")]

use std::time::Duration;

use resilience::{Error, Fingerprint, IdempotencyConfig, RedisBegin, RedisIdempotencyStore};

struct Cleanup {
    url: String,
    prefix: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let client = redis::Client::open(self.url.as_str()).unwrap();
        let mut c = client.get_connection().unwrap();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query(&mut c)
            .unwrap();
        for k in keys {
            let _: i64 = redis::cmd("DEL").arg(k).query(&mut c).unwrap();
        }
    }
}

fn setup() -> Option<(RedisIdempotencyStore, RedisIdempotencyStore, Cleanup)> {
    let Ok(url) = std::env::var("RAMPART_REDIS_URL") else {
        println!("skipped: RAMPART_REDIS_URL not set");
        return None;
    };
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).unwrap();
    let prefix = format!("rampart-test:resilience:{}:", u64::from_le_bytes(r));
    let cfg = IdempotencyConfig::builder()
        .ttl(Duration::from_secs(60))
        .lease(Duration::from_secs(30))
        .build()
        .unwrap();
    // Two stores: two gateway instances sharing one Redis.
    let a = RedisIdempotencyStore::open(&url, &prefix, cfg.clone())
        .unwrap()
        .with_poll_interval(Duration::from_millis(5));
    let b = RedisIdempotencyStore::open(&url, &prefix, cfg)
        .unwrap()
        .with_poll_interval(Duration::from_millis(5));
    Some((a, b, Cleanup { url, prefix }))
}

fn fp(s: &str) -> Fingerprint {
    Fingerprint::of(&[b"tenant-1", s.as_bytes()])
}

#[test]
fn first_runs_duplicates_replay_across_instances_and_conflicts_are_errors() {
    let Some((a, b, _cleanup)) = setup() else {
        return;
    };
    let RedisBegin::Run(g) = a.begin("k1", fp("req")).unwrap() else {
        panic!("first must run")
    };
    assert_eq!(
        b.begin("k1", fp("other")).unwrap_err(),
        Error::IdempotencyConflict
    );
    let waiter_result = std::thread::scope(|s| {
        let h = s.spawn(|| match b.begin("k1", fp("req")).unwrap() {
            RedisBegin::Wait(w) => w.wait(Duration::from_secs(5)),
            other => panic!("expected to wait, got {other:?}"),
        });
        std::thread::sleep(Duration::from_millis(50));
        assert!(g.complete(b"200 hello").unwrap());
        h.join().unwrap()
    });
    assert_eq!(waiter_result.unwrap(), b"200 hello");
    match b.begin("k1", fp("req")).unwrap() {
        RedisBegin::Replay(body) => assert_eq!(body, b"200 hello"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        a.begin("k1", fp("other")).unwrap_err(),
        Error::IdempotencyConflict
    );
}

#[test]
fn abandoned_runner_releases_waiters() {
    let Some((a, b, _cleanup)) = setup() else {
        return;
    };
    let RedisBegin::Run(g) = a.begin("k2", fp("req")).unwrap() else {
        panic!()
    };
    let RedisBegin::Wait(w) = b.begin("k2", fp("req")).unwrap() else {
        panic!()
    };
    drop(g);
    assert_eq!(
        w.wait(Duration::from_secs(5)).unwrap_err(),
        Error::Abandoned
    );
    let RedisBegin::Run(g2) = b.begin("k2", fp("req")).unwrap() else {
        panic!("key is free")
    };
    g2.release().unwrap();
}

#[test]
fn waiter_times_out_and_invalid_keys_are_refused() {
    let Some((a, b, _cleanup)) = setup() else {
        return;
    };
    let RedisBegin::Run(_g) = a.begin("k3", fp("req")).unwrap() else {
        panic!()
    };
    let RedisBegin::Wait(w) = b.begin("k3", fp("req")).unwrap() else {
        panic!()
    };
    assert_eq!(
        w.wait(Duration::from_millis(30)).unwrap_err(),
        Error::WaitTimeout
    );
    assert_eq!(
        a.begin("bad key", fp("req")).unwrap_err(),
        Error::InvalidIdempotencyKey
    );
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn async_store_single_flight_across_instances() {
    use resilience::{AsyncRedisBegin, AsyncRedisIdempotencyStore};
    let Ok(url) = std::env::var("RAMPART_REDIS_URL") else {
        println!("skipped: RAMPART_REDIS_URL not set");
        return;
    };
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).unwrap();
    let prefix = format!("rampart-test:resilience-async:{}:", u64::from_le_bytes(r));
    let _cleanup = Cleanup {
        url: url.clone(),
        prefix: prefix.clone(),
    };
    let cfg = IdempotencyConfig::builder()
        .ttl(Duration::from_secs(60))
        .build()
        .unwrap();
    let poll = Duration::from_millis(5);
    let a =
        AsyncRedisIdempotencyStore::with_poll_interval(&url, &prefix, cfg.clone(), poll).unwrap();
    let b = AsyncRedisIdempotencyStore::with_poll_interval(&url, &prefix, cfg, poll).unwrap();

    let AsyncRedisBegin::Run(g) = a.begin("k", fp("req")).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        b.begin("k", fp("other")).await.unwrap_err(),
        Error::IdempotencyConflict
    );
    let AsyncRedisBegin::Wait(w) = b.begin("k", fp("req")).await.unwrap() else {
        panic!()
    };
    let waiter = tokio::spawn(w.wait(Duration::from_secs(5)));
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(g.complete(b"stored").await.unwrap());
    assert_eq!(waiter.await.unwrap().unwrap(), b"stored");
    match a.begin("k", fp("req")).await.unwrap() {
        AsyncRedisBegin::Replay(body) => assert_eq!(body, b"stored"),
        other => panic!("{other:?}"),
    }

    // A runner dropped mid-flight (a cancelled handler) releases its waiters.
    let AsyncRedisBegin::Run(g) = a.begin("k2", fp("req")).await.unwrap() else {
        panic!()
    };
    let AsyncRedisBegin::Wait(w) = b.begin("k2", fp("req")).await.unwrap() else {
        panic!()
    };
    drop(g);
    assert_eq!(
        w.wait(Duration::from_secs(5)).await.unwrap_err(),
        Error::Abandoned
    );
}

#[cfg(feature = "tokio")]
#[tokio::test]
async fn async_complete_cancelled_mid_call_does_not_leave_the_key_locked() {
    use resilience::{AsyncRedisBegin, AsyncRedisIdempotencyStore};
    let Ok(url) = std::env::var("RAMPART_REDIS_URL") else {
        println!("skipped: RAMPART_REDIS_URL not set");
        return;
    };
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).unwrap();
    let prefix = format!("rampart-test:resilience-cancel:{}:", u64::from_le_bytes(r));
    let _cleanup = Cleanup {
        url: url.clone(),
        prefix: prefix.clone(),
    };
    let cfg = IdempotencyConfig::builder()
        .ttl(Duration::from_secs(60))
        .lease(Duration::from_secs(300))
        .build()
        .unwrap();
    let store = AsyncRedisIdempotencyStore::with_poll_interval(
        &url,
        &prefix,
        cfg,
        Duration::from_millis(5),
    )
    .unwrap();
    for i in 0..20 {
        let key = format!("k{i}");
        let AsyncRedisBegin::Run(g) = store.begin(&key, fp("req")).await.unwrap() else {
            panic!()
        };
        // The handler is cancelled while `complete` waits for Redis: the completion future is
        // polled once, then dropped.
        tokio::select! {
            biased;
            _ = g.complete(b"body") => {}
            () = std::future::ready(()) => {}
        }
        // Either the completion landed (replay) or the key was released (run again); never a
        // key held for the whole 5-minute lease with duplicates told to wait.
        let mut outcome = None;
        for _ in 0..100 {
            match store.begin(&key, fp("req")).await.unwrap() {
                AsyncRedisBegin::Wait(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                other => {
                    outcome = Some(other);
                    break;
                }
            }
        }
        match outcome {
            Some(AsyncRedisBegin::Replay(body)) => assert_eq!(body, b"body"),
            Some(AsyncRedisBegin::Run(g)) => drop(g),
            other => panic!("key {key} still locked after a cancelled complete: {other:?}"),
        }
    }
}

#[test]
fn a_late_runner_stores_into_a_vacant_key_but_never_over_a_successor() {
    let Ok(url) = std::env::var("RAMPART_REDIS_URL") else {
        println!("skipped: RAMPART_REDIS_URL not set");
        return;
    };
    let mut r = [0u8; 8];
    getrandom::fill(&mut r).unwrap();
    let prefix = format!("rampart-test:resilience-late:{}:", u64::from_le_bytes(r));
    let _cleanup = Cleanup {
        url: url.clone(),
        prefix: prefix.clone(),
    };
    let cfg = IdempotencyConfig::builder()
        .ttl(Duration::from_secs(60))
        .lease(Duration::from_millis(50))
        .build()
        .unwrap();
    let s = RedisIdempotencyStore::open(&url, &prefix, cfg).unwrap();

    // The lease runs out and nobody takes over: the late completion is stored and replayed.
    let RedisBegin::Run(g) = s.begin("vacant", fp("req")).unwrap() else {
        panic!()
    };
    std::thread::sleep(Duration::from_millis(120));
    assert!(g.complete(b"late").unwrap());
    match s.begin("vacant", fp("req")).unwrap() {
        RedisBegin::Replay(body) => assert_eq!(body, b"late"),
        other => panic!("{other:?}"),
    }

    // The lease runs out and a duplicate takes over: the late runner stores nothing.
    let RedisBegin::Run(g) = s.begin("taken", fp("req")).unwrap() else {
        panic!()
    };
    std::thread::sleep(Duration::from_millis(120));
    let RedisBegin::Run(g2) = s.begin("taken", fp("req")).unwrap() else {
        panic!("lease over: runs again")
    };
    assert!(!g.complete(b"late").unwrap());
    assert!(g2.complete(b"fresh").unwrap());
    match s.begin("taken", fp("req")).unwrap() {
        RedisBegin::Replay(body) => assert_eq!(body, b"fresh"),
        other => panic!("{other:?}"),
    }
}
