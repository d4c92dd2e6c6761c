//! The Redis backend against the real Redis at RAMPART_REDIS_URL (skipped when unset), and
//! the failure policies against a closed port.
#![cfg(feature = "redis")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rate_limit::{Backend, Decision, LimitReason, OnFailure, Quota, RedisLimiter};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

fn url() -> Option<String> {
    match std::env::var("RAMPART_REDIS_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            println!("skipped: RAMPART_REDIS_URL not set");
            None
        }
    }
}

fn unique_prefix(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("rampart-test-{what}-{}-{nanos}", std::process::id())
}

fn q(s: &str) -> Quota {
    s.parse().unwrap()
}

async fn cleanup(url: &str, prefix: &str) {
    let client = redis::Client::open(url).unwrap();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{{{prefix}}}:*"))
        .query_async(&mut con)
        .await
        .unwrap();
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut con)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_hammered_concurrently_admit_exactly_the_quota() {
    let Some(url) = url() else { return };
    let prefix = unique_prefix("share");
    let make = || {
        Arc::new(
            RedisLimiter::builder(&url, &prefix)
                .limit("k", q("1/h burst 40"))
                .timeout(Duration::from_secs(2))
                .build()
                .unwrap(),
        )
    };
    let (a, b) = (make(), make());
    let admitted = Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for t in 0..16 {
        let lim = if t % 2 == 0 {
            Arc::clone(&a)
        } else {
            Arc::clone(&b)
        };
        let admitted = Arc::clone(&admitted);
        tasks.push(tokio::spawn(async move {
            for _ in 0..10 {
                let d = lim.check(&[("k", "tenant-1", 1)]).await.unwrap();
                assert_eq!(d.backend, Backend::Redis);
                if d.decision().is_allowed() {
                    admitted.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(admitted.load(Ordering::Relaxed), 40);
    let d = a.check(&[("k", "tenant-1", 1)]).await.unwrap();
    let wait = d.decision().retry_after();
    assert!(
        wait > Duration::from_secs(3590) && wait <= Duration::from_secs(3600),
        "{wait:?}"
    );
    cleanup(&url, &prefix).await;
}

#[tokio::test]
async fn several_limits_in_one_call_are_all_or_nothing_with_ttls() {
    let Some(url) = url() else { return };
    let prefix = unique_prefix("multi");
    let lim = RedisLimiter::builder(&url, &prefix)
        .limit("key", q("1/h burst 5"))
        .limit("endpoint", q("1/h burst 3"))
        .build()
        .unwrap();
    let call = |key: &'static str, cost: u32| {
        let lim = &lim;
        async move {
            lim.check(&[("key", key, cost), ("endpoint", "/v1/speech", 1)])
                .await
                .unwrap()
        }
    };
    let d = call("alice", 2).await;
    assert_eq!(d.backend, Backend::Redis);
    assert_eq!(d.set.decision.remaining(), 2, "endpoint binds: 3 - 1");
    assert_eq!(d.set.index, 1);
    assert!(call("alice", 2).await.decision().is_allowed());
    // alice has 1 left, asks 2: refused by the key; the endpoint must not be charged.
    let d = call("alice", 2).await;
    assert_eq!(d.set.index, 0);
    assert!(matches!(
        d.set.decision,
        Decision::Limited {
            reason: LimitReason::Quota,
            ..
        }
    ));
    let wait = d.decision().retry_after();
    assert!(
        wait > Duration::from_secs(3599) && wait <= Duration::from_secs(3600),
        "{wait:?}"
    );
    assert!(
        call("bob", 1).await.decision().is_allowed(),
        "endpoint's last unit still there"
    );
    let d = call("carol", 1).await;
    assert_eq!((d.set.index, d.decision().is_allowed()), (1, false));
    // Keys expire when their bucket would be full again.
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let ttl: i64 = redis::cmd("PTTL")
        .arg(lim.redis_key("endpoint", "/v1/speech"))
        .query_async(&mut con)
        .await
        .unwrap();
    assert!(
        ttl > 3 * 3_600_000 - 5_000 && ttl <= 3 * 3_600_000 + 2,
        "{ttl}"
    );
    let ttl: i64 = redis::cmd("PTTL")
        .arg(lim.redis_key("key", "carol"))
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(ttl, -2, "a refused call writes nothing");
    // The same bucket named twice in one call is charged twice.
    let d = lim
        .check(&[("key", "dave", 2), ("key", "dave", 2)])
        .await
        .unwrap();
    assert_eq!(d.decision().remaining(), 1);
    assert!(
        !lim.check(&[("key", "dave", 2)])
            .await
            .unwrap()
            .decision()
            .is_allowed()
    );
    // Misuse is a typed error, not a Redis round trip.
    assert!(lim.check(&[("nope", "x", 1)]).await.is_err());
    assert!(lim.check(&[("key", "x", 6)]).await.is_err());
    assert!(lim.check(&[("key", &"x".repeat(513), 1)]).await.is_err());
    cleanup(&url, &prefix).await;
}

fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("redis://127.0.0.1:{port}/")
}

#[tokio::test]
async fn an_unreachable_redis_triggers_the_chosen_policy_without_hanging() {
    let url = closed_port_url();
    let build = |p| {
        RedisLimiter::builder(&url, "down")
            .limit("k", q("2/h"))
            .on_failure(p)
            .build()
            .unwrap()
    };
    let started = Instant::now();

    let open = build(OnFailure::FailOpen);
    let d = open.check(&[("k", "a", 1)]).await.unwrap();
    assert!(d.decision().is_allowed());
    assert!(matches!(
        d.backend,
        Backend::Failed {
            policy: OnFailure::FailOpen,
            ..
        }
    ));

    let closed = build(OnFailure::FailClosed {
        retry_after: Duration::from_secs(5),
    });
    for _ in 0..3 {
        let d = closed.check(&[("k", "a", 1)]).await.unwrap();
        assert_eq!(
            d.set.decision,
            Decision::Limited {
                retry_after: Duration::from_secs(5),
                remaining: 0,
                reset_after: Duration::from_secs(5),
                reason: LimitReason::BackendUnavailable
            }
        );
        assert!(matches!(d.backend, Backend::Failed { .. }));
    }
    assert_eq!(closed.failures(), 3);

    let local = build(OnFailure::LocalFallback);
    assert!(
        local
            .check(&[("k", "a", 1)])
            .await
            .unwrap()
            .decision()
            .is_allowed()
    );
    assert!(
        local
            .check(&[("k", "a", 1)])
            .await
            .unwrap()
            .decision()
            .is_allowed()
    );
    let d = local.check(&[("k", "a", 1)]).await.unwrap();
    assert!(
        !d.decision().is_allowed(),
        "the local limiter enforces the quota"
    );
    assert!(matches!(
        d.backend,
        Backend::Failed {
            policy: OnFailure::LocalFallback,
            ..
        }
    ));
    assert!(
        local
            .check(&[("k", "b", 1)])
            .await
            .unwrap()
            .decision()
            .is_allowed()
    );

    assert!(started.elapsed() < Duration::from_secs(5), "never hangs");
}

#[tokio::test]
async fn a_blackholed_redis_times_out() {
    // A listener that accepts and never answers: the check must give up at its timeout.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let lim = RedisLimiter::builder(&format!("redis://127.0.0.1:{port}/"), "hang")
        .limit("k", q("2/h"))
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let d = lim.check(&[("k", "a", 1)]).await.unwrap();
    assert!(matches!(d.backend, Backend::Failed { .. }));
    assert!(
        !d.decision().is_allowed(),
        "the default policy fails closed"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // Backing off: the next answer is immediate.
    let t = Instant::now();
    let _ = lim.check(&[("k", "a", 1)]).await.unwrap();
    assert!(t.elapsed() < Duration::from_millis(50));
    hold.abort();
}

#[test]
fn builder_rejects_bad_configuration() {
    assert!(
        RedisLimiter::builder("redis://127.0.0.1/", "p")
            .build()
            .is_err(),
        "no limit"
    );
    assert!(
        RedisLimiter::builder("redis://127.0.0.1/", "a{b}")
            .limit("k", q("1/s"))
            .build()
            .is_err()
    );
    assert!(
        RedisLimiter::builder("redis://127.0.0.1/", "p")
            .limit("a:b", q("1/s"))
            .build()
            .is_err()
    );
    assert!(
        RedisLimiter::builder("not a url", "p")
            .limit("k", q("1/s"))
            .build()
            .is_err()
    );
    assert!(
        RedisLimiter::builder("redis://127.0.0.1/", "p")
            .limit("k", q("1/s"))
            .limit("k", q("2/s"))
            .build()
            .is_err()
    );
    assert!(
        RedisLimiter::builder("redis://127.0.0.1/", "p")
            .limit("k", q("1/3700d"))
            .build()
            .is_err()
    );
}

/// Regression: concurrent checks queued on the reconnect lock and each then made its own
/// connection attempt, so with a blackholed Redis the n-th caller waited n × connect_timeout.
/// Now the wait for a connection (lock included) is bounded by one connect_timeout, and a
/// caller that gets the lock during a backoff does not try again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checks_on_a_blackholed_redis_each_wait_one_timeout_at_most() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let lim = std::sync::Arc::new(
        RedisLimiter::builder(&format!("redis://127.0.0.1:{port}/"), "hang")
            .limit("k", q("2/h"))
            .connect_timeout(Duration::from_millis(200))
            .timeout(Duration::from_millis(200))
            .build()
            .unwrap(),
    );
    let started = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let lim = lim.clone();
            tokio::spawn(async move {
                let t = Instant::now();
                let d = lim.check(&[("k", &format!("c{i}"), 1)]).await.unwrap();
                assert!(matches!(d.backend, Backend::Failed { .. }));
                assert!(!d.decision().is_allowed());
                t.elapsed()
            })
        })
        .collect();
    for t in tasks {
        let waited = t.await.unwrap();
        assert!(
            waited < Duration::from_millis(1000),
            "one caller waited {waited:?}"
        );
    }
    assert!(started.elapsed() < Duration::from_millis(1500));
    hold.abort();
}
