//! End-to-end test of resilience in the gateway over real HTTP: consecutive provider failures
//! open the circuit breaker, which then answers 503 with Retry-After without calling the
//! provider.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{chat_body, start};

#[tokio::test]
async fn failing_provider_opens_the_breaker() {
    let gw = start(|_| {}).await;
    let key = gw.key().await;
    gw.mock().fail_next(5);
    for _ in 0..5 {
        let a = gw
            .post("/v1/chat/completions", Some(&key), &chat_body("hi"))
            .await;
        assert_eq!((a.status, a.code().as_str()), (502, "UPSTREAM_001"));
    }
    let open = gw
        .post("/v1/chat/completions", Some(&key), &chat_body("hi"))
        .await;
    assert_eq!(
        (open.status, open.code().as_str()),
        (503, "UPSTREAM_002"),
        "{}",
        open.text()
    );
    let retry: u64 = open.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=5).contains(&retry), "Retry-After {retry}");
    // The open breaker did not call the provider.
    assert_eq!(gw.mock().received().len(), 5);
    // Client errors do not count against the provider.
    let gw2 = start(|_| {}).await;
    let key2 = gw2.key().await;
    for _ in 0..6 {
        let a = gw2.post("/v1/chat/completions", Some(&key2), "{}").await;
        assert_eq!(a.status, 400);
    }
    assert_eq!(
        gw2.post("/v1/chat/completions", Some(&key2), &chat_body("hi"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn idempotency_key_replays_and_refuses_a_changed_body() {
    let gw = start(|_| {}).await;
    let key = gw.key().await;
    let other_key = gw.key().await;
    let auth = format!("Bearer {key}");
    let send = |k: &'static str, auth: String, body: String| {
        let gw = &gw;
        async move {
            gw.send(
                "POST",
                "/v1/chat/completions",
                &[
                    ("authorization", auth.as_str()),
                    ("content-type", "application/json"),
                    ("idempotency-key", k),
                ],
                Some(&body),
            )
            .await
        }
    };
    let first = send("order-42", auth.clone(), chat_body("charge me once")).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = send("order-42", auth.clone(), chat_body("charge me once")).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(
        gw.mock().received().len(),
        1,
        "the duplicate never reached the provider"
    );
    let changed = send("order-42", auth.clone(), chat_body("something else")).await;
    assert_eq!(
        (changed.status, changed.code().as_str()),
        (422, "IDEMPOTENCY_001")
    );
    // Keys are scoped per API key: another key's request with the same header runs.
    let other = send("order-42", format!("Bearer {other_key}"), chat_body("x")).await;
    assert_eq!(other.status, 200);
    assert_eq!(other.header("idempotent-replayed"), None);
    assert_eq!(gw.mock().received().len(), 2);
}

/// Any valid `Idempotency-Key` works, up to its 255-byte limit, although the gateway scopes
/// it with the API key's id (which alone would push a long one over the limit).
#[tokio::test]
async fn the_longest_idempotency_keys_replay_too() {
    let gw = start(|_| {}).await;
    let key = gw.key().await;
    let auth = format!("Bearer {key}");
    let body = chat_body("once");
    for idem in ["k".repeat(255), "x".repeat(243), "y".repeat(242)] {
        let headers = [
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
            ("idempotency-key", idem.as_str()),
        ];
        let first = gw
            .send("POST", "/v1/chat/completions", &headers, Some(&body))
            .await;
        assert_eq!(first.status, 200, "{}: {}", idem.len(), first.text());
        let again = gw
            .send("POST", "/v1/chat/completions", &headers, Some(&body))
            .await;
        assert_eq!(again.status, 200, "{}", again.text());
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(again.body, first.body);
    }
    assert_eq!(gw.mock().received().len(), 3);
    // One byte over the limit is refused, as before.
    let over = gw
        .send(
            "POST",
            "/v1/chat/completions",
            &[
                ("authorization", auth.as_str()),
                ("content-type", "application/json"),
                ("idempotency-key", "z".repeat(256).as_str()),
            ],
            Some(&chat_body("once")),
        )
        .await;
    assert_eq!(over.status, 400, "{}", over.text());
}
