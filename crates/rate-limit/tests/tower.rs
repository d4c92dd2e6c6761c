//! The tower layer inside a real axum router: headers on admitted responses, 429 with
//! Retry-After, RateLimit fields and problem+json on refusals.
#![cfg(feature = "tower")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http_body_util::BodyExt;
use rate_limit::{KeyedLimiter, ManualClock, Policy, Quota, RateLimitLayer};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

fn request(key: Option<&str>) -> http::Request<Body> {
    let mut b = http::Request::builder().uri("/v1/chat");
    if let Some(k) = key {
        b = b.header("x-api-key", k);
    }
    b.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn axum_router_answers_429_with_the_headers() {
    let clock = ManualClock::new();
    let quota: Quota = "2/min".parse().unwrap();
    let limiter = Arc::new(
        KeyedLimiter::<String, _>::builder(quota)
            .clock(clock.clone())
            .build()
            .unwrap(),
    );
    let layer = RateLimitLayer::new(
        Arc::clone(&limiter),
        Policy::new("per-key", quota).unwrap(),
        |req: &http::Request<Body>| {
            req.headers()
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("anonymous")
                .to_owned()
        },
    )
    .legacy_headers(true);
    let app = Router::new()
        .route("/v1/chat", get(|| async { "hello" }))
        .layer(layer);

    let res = app.clone().oneshot(request(Some("k1"))).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["ratelimit-policy"], "\"per-key\";q=2;w=60");
    assert_eq!(res.headers()["ratelimit"], "\"per-key\";r=1;t=30");
    assert_eq!(res.headers()["x-ratelimit-remaining"], "1");
    assert_eq!(res.into_body().collect().await.unwrap().to_bytes(), "hello");

    clock.advance(Duration::from_millis(100));
    assert_eq!(
        app.clone()
            .oneshot(request(Some("k1")))
            .await
            .unwrap()
            .status(),
        200
    );
    let res = app.clone().oneshot(request(Some("k1"))).await.unwrap();
    assert_eq!(res.status(), 429);
    // 30 s - 100 ms until the next unit: rounded up to 30.
    assert_eq!(res.headers()["retry-after"], "30");
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(res.headers()["ratelimit"], "\"per-key\";r=0;t=60");
    assert_eq!(res.headers()["x-ratelimit-limit"], "2");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], 429);
    assert_eq!(json["retry_after"], 30);
    assert!(
        !String::from_utf8_lossy(&body).contains("k1"),
        "the key is never echoed"
    );

    // Other keys have their own bucket; requests without a key share "anonymous".
    assert_eq!(
        app.clone()
            .oneshot(request(Some("k2")))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.clone().oneshot(request(None)).await.unwrap().status(),
        200
    );
    clock.advance(Duration::from_secs(30));
    assert_eq!(
        app.oneshot(request(Some("k1"))).await.unwrap().status(),
        200
    );
}
