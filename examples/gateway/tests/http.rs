//! End-to-end tests of the HTTP surface over real HTTP: health, strict JSON, body limit,
//! security headers, CORS, the three endpoints (streaming and not), the admin key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::start;

#[tokio::test]
async fn healthz_and_security_headers() {
    let gw = start(|_| {}).await;
    let a = gw.send("GET", "/healthz", &[], None).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["status"], "ok");
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(a.header("referrer-policy"), Some("no-referrer"));
    assert!(
        a.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(a.header("strict-transport-security"), None);
    let missing = gw.send("GET", "/nope", &[], None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    gw.running.shutdown().await.unwrap();
}

#[tokio::test]
async fn hsts_when_behind_tls() {
    let gw = start(|c| c.behind_tls = true).await;
    let a = gw.send("GET", "/healthz", &[], None).await;
    assert!(
        a.header("strict-transport-security")
            .unwrap()
            .starts_with("max-age=")
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let gw = start(|c| c.cors_origins = vec!["https://app.example".into()]).await;
    let preflight = |origin: &'static str| {
        [
            ("origin", origin),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization,content-type",
            ),
        ]
    };
    let ok = gw
        .send(
            "OPTIONS",
            "/v1/chat/completions",
            &preflight("https://app.example"),
            None,
        )
        .await;
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let other = gw
        .send(
            "OPTIONS",
            "/v1/chat/completions",
            &preflight("https://evil.example"),
            None,
        )
        .await;
    assert_eq!(other.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn admin_requires_the_admin_key() {
    let gw = start(|_| {}).await;
    let none = gw.send("GET", "/admin/status", &[], None).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.code(), "AUTH_001");
    let wrong = gw
        .send(
            "GET",
            "/admin/status",
            &[("authorization", "Bearer rmpadmin_00")],
            None,
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.code(), "AUTH_002");
    let ok = gw.admin("GET", "/admin/status", None).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["provider"], "mock");
}
