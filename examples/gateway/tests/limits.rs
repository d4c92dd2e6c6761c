//! End-to-end tests of rate-limit in the gateway over real HTTP: 429 with Retry-After and
//! RateLimit fields after the quota, and the costly endpoint's lower limit.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{chat_body, start};

#[tokio::test]
async fn quota_then_429_with_retry_after() {
    let gw = start(|c| {
        c.limits.per_endpoint = "3/min".into();
        c.limits.costly = "1/min".into();
    })
    .await;
    let key = gw.key().await;
    let other = gw.key().await;
    for i in 0..3 {
        let a = gw
            .post("/v1/chat/completions", Some(&key), &chat_body("hi"))
            .await;
        assert_eq!(a.status, 200, "request {i}");
        assert_eq!(a.header("ratelimit-policy"), Some("\"endpoint\";q=3;w=60"));
        assert_eq!(
            a.header("ratelimit"),
            Some(format!("\"endpoint\";r={};t={}", 2 - i, 20 * (i + 1)).as_str())
        );
    }
    let limited = gw
        .post("/v1/chat/completions", Some(&key), &chat_body("hi"))
        .await;
    assert_eq!((limited.status, limited.code().as_str()), (429, "RATE_001"));
    // One request replenishes every 20 s: the wait is 20 s (at most one second off in a slow run).
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((19..=20).contains(&retry), "Retry-After {retry}");
    assert!(
        limited
            .header("ratelimit")
            .unwrap()
            .starts_with("\"endpoint\";r=0;t=")
    );
    // A limited request is not charged and never reaches the provider.
    assert_eq!(gw.mock().received().len(), 3);
    // Other keys and other endpoints are unaffected.
    assert_eq!(
        gw.post("/v1/chat/completions", Some(&other), &chat_body("hi"))
            .await
            .status,
        200
    );
    assert_eq!(
        gw.post("/v1/embeddings", Some(&key), r#"{"model":"m","input":"x"}"#)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn costly_endpoint_has_the_lower_limit() {
    let gw = start(|c| {
        c.limits.per_endpoint = "100/min".into();
        c.limits.costly = "2/min".into();
    })
    .await;
    let key = gw.key().await;
    let speech = r#"{"model":"m","input":"hello","voice":"alloy"}"#;
    for _ in 0..2 {
        assert_eq!(
            gw.post("/v1/audio/speech", Some(&key), speech).await.status,
            200
        );
    }
    let limited = gw.post("/v1/audio/speech", Some(&key), speech).await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.header("ratelimit-policy"),
        Some("\"costly\";q=2;w=60")
    );
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((29..=30).contains(&retry), "Retry-After {retry}");
    // Chat still has room.
    assert_eq!(
        gw.post("/v1/chat/completions", Some(&key), &chat_body("hi"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn per_key_limit_spans_endpoints() {
    let gw = start(|c| c.limits.per_key = "2/min".into()).await;
    let key = gw.key().await;
    assert_eq!(
        gw.post("/v1/chat/completions", Some(&key), &chat_body("a"))
            .await
            .status,
        200
    );
    assert_eq!(
        gw.post("/v1/embeddings", Some(&key), r#"{"model":"m","input":"x"}"#)
            .await
            .status,
        200
    );
    let limited = gw
        .post("/v1/chat/completions", Some(&key), &chat_body("b"))
        .await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("ratelimit-policy"), Some("\"key\";q=2;w=60"));
}
