//! The async variants (feature `tokio`): the retry driver and idempotency waiters.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![cfg(feature = "tokio")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use resilience::{
    Begin, Error, Fingerprint, GaveUp, IdempotencyConfig, IdempotencyStore, Jitter, RetryDecision,
    RetryPolicy,
};

#[tokio::test(start_paused = true)]
async fn async_retry_waits_retry_after_then_succeeds() {
    let policy = RetryPolicy::builder()
        .max_attempts(4)
        .jitter(Arc::new(Jitter::seeded(3)))
        .build()
        .unwrap();
    let calls = AtomicU32::new(0);
    let start = tokio::time::Instant::now();
    let r = policy
        .run_async(
            |n| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move { if n < 2 { Err(429u16) } else { Ok("ok") } }
            },
            |_| RetryDecision::RetryAfter(Duration::from_secs(2)),
        )
        .await;
    assert_eq!(r, Ok("ok"));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(start.elapsed(), Duration::from_secs(4));

    let r = policy
        .run_async(|_| async { Err::<(), _>(503u16) }, |_| RetryDecision::Retry)
        .await;
    let e = r.unwrap_err();
    assert_eq!(
        (e.attempts, e.reason, e.error),
        (4, GaveUp::MaxAttempts, 503)
    );
}

#[tokio::test]
async fn async_waiter_single_flight() {
    let store: IdempotencyStore<String> = IdempotencyStore::new(IdempotencyConfig::default());
    let fp = Fingerprint::of(&[b"t", b"body"]);
    let Begin::Run(guard) = store.begin("key", fp).unwrap() else {
        panic!()
    };
    let mut waiters = Vec::new();
    for _ in 0..8 {
        let Begin::Wait(w) = store.begin("key", fp).unwrap() else {
            panic!("must wait")
        };
        waiters.push(tokio::spawn(w.wait_async(Duration::from_secs(5))));
    }
    tokio::task::yield_now().await;
    guard.complete("response".to_owned());
    for w in waiters {
        assert_eq!(*w.await.unwrap().unwrap(), "response");
    }
}

#[tokio::test]
async fn async_waiter_abandoned_and_timeout() {
    let store: IdempotencyStore<String> = IdempotencyStore::new(IdempotencyConfig::default());
    let fp = Fingerprint::of(&[b"t", b"body"]);
    let Begin::Run(guard) = store.begin("key", fp).unwrap() else {
        panic!()
    };
    let Begin::Wait(w1) = store.begin("key", fp).unwrap() else {
        panic!()
    };
    let Begin::Wait(w2) = store.begin("key", fp).unwrap() else {
        panic!()
    };
    assert_eq!(
        w1.wait_async(Duration::from_millis(10)).await.unwrap_err(),
        Error::WaitTimeout
    );
    let h = tokio::spawn(w2.wait_async(Duration::from_secs(5)));
    // The runner's task is cancelled: dropping the guard releases the waiter.
    drop(guard);
    assert_eq!(h.await.unwrap().unwrap_err(), Error::Abandoned);
}

#[tokio::test(start_paused = true)]
async fn async_guarded_retry_under_a_breaker() {
    use resilience::{BreakerConfig, CircuitBreaker, GuardedError, Outcome, State, Verdict};
    let breaker = CircuitBreaker::new(
        "upstream",
        BreakerConfig::builder()
            .failure_threshold(2)
            .degraded_threshold(None)
            .build()
            .unwrap(),
    )
    .unwrap();
    let policy = RetryPolicy::builder()
        .max_attempts(5)
        .jitter(Arc::new(Jitter::seeded(9)))
        .build()
        .unwrap();
    let judge = |r: &Result<(), u16>| match r {
        Ok(()) => Verdict {
            outcome: Outcome::Success,
            retry: RetryDecision::Stop,
        },
        Err(_) => Verdict {
            outcome: Outcome::Failure,
            retry: RetryDecision::Retry,
        },
    };
    let r = policy
        .run_guarded_async(&breaker, |_| async { Err::<(), u16>(502) }, judge)
        .await;
    match r {
        Err(GuardedError::Rejected { attempts, last, .. }) => {
            assert_eq!((attempts, last), (2, Some(502)))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(breaker.state(), State::Open);
}
