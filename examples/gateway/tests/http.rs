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

const CHAT: &str = "/v1/chat/completions";

#[tokio::test]
async fn endpoints_answer_through_the_mock() {
    let gw = start(|_| {}).await;
    let key = gw.key().await;
    let chat = gw.post(CHAT, Some(&key), &common::chat_body("hello")).await;
    assert_eq!(chat.status, 200, "{}", chat.text());
    assert_eq!(
        chat.json()["choices"][0]["message"]["content"],
        "You said: hello"
    );
    assert!(chat.header("ratelimit").is_some());
    assert!(chat.header("ratelimit-policy").is_some());
    // A complete answer keeps its length through the concurrency-slot wrapper (not chunked).
    assert_eq!(
        chat.header("content-length"),
        Some(chat.body.len().to_string().as_str())
    );
    let emb = gw
        .post(
            "/v1/embeddings",
            Some(&key),
            r#"{"model":"m","input":["a","b"]}"#,
        )
        .await;
    assert_eq!(emb.json()["data"].as_array().unwrap().len(), 2);
    let speech = gw
        .post(
            "/v1/audio/speech",
            Some(&key),
            r#"{"model":"m","input":"hi","voice":"alloy"}"#,
        )
        .await;
    assert_eq!(speech.status, 200);
    assert_eq!(speech.header("content-type"), Some("audio/wav"));
    assert_eq!(&speech.body[..4], b"RIFF");
    assert_eq!(gw.mock().received().len(), 3);
}

#[tokio::test]
async fn streaming_chat_is_server_sent_events() {
    let gw = start(|_| {}).await;
    let key = gw.key().await;
    let body =
        r#"{"model":"m","stream":true,"messages":[{"role":"user","content":"stream me please"}]}"#;
    let a = gw.post(CHAT, Some(&key), body).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("text/event-stream"));
    let text = a.text();
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    let content: String = text
        .split("\n\n")
        .filter_map(|e| e.strip_prefix("data: "))
        .filter(|p| *p != "[DONE]")
        .map(|p| serde_json::from_str::<serde_json::Value>(p).unwrap())
        .filter_map(|v| {
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(String::from)
        })
        .collect();
    assert_eq!(content, "You said: stream me please");
}

#[tokio::test]
async fn strict_json_and_body_limit() {
    let gw = start(|c| c.max_body_bytes = 2048).await;
    let key = gw.key().await;
    let auth = format!("Bearer {key}");
    let no_type = gw
        .send(
            "POST",
            CHAT,
            &[("authorization", &auth)],
            Some(&common::chat_body("x")),
        )
        .await;
    assert_eq!(
        (no_type.status, no_type.code().as_str()),
        (415, "REQUEST_003")
    );
    for bad in [
        "{",
        r#"{"model":"m","messages":[],"unknown":1}"#,
        r#"{"model":"m","messages":[{"role":"user","content":5}]}"#,
        r#"{"model":"m","messages":[]}{}"#,
    ] {
        let a = gw.post(CHAT, Some(&key), bad).await;
        assert_eq!((a.status, a.code().as_str()), (400, "REQUEST_001"), "{bad}");
    }
    let big = common::chat_body(&"a".repeat(4096));
    let a = gw.post(CHAT, Some(&key), &big).await;
    assert_eq!((a.status, a.code().as_str()), (413, "REQUEST_002"));
    assert!(
        gw.mock().received().is_empty(),
        "nothing invalid reached the provider"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_data_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("gateway-data");
    let config = gateway::Config {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: data.clone(),
        demo_key_ttl_secs: 0,
        ..gateway::Config::default()
    };
    let gw = common::start_in(dir, config).await;
    let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{mode:o}");
    let secret = std::fs::metadata(data.join("secrets").join("master_key")).unwrap();
    assert_eq!(secret.permissions().mode() & 0o777, 0o600);
    drop(gw);
}
