//! End-to-end tests of key-format in the gateway over real HTTP: every 401 and 403 case,
//! revocation on the very next request, rotation with grace, the admin key API.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{chat_body, start};
use serde_json::json;

const CHAT: &str = "/v1/chat/completions";

#[tokio::test]
async fn every_401_case() {
    let gw = start(|_| {}).await;
    let body = chat_body("hi");
    let missing = gw.post(CHAT, None, &body).await;
    assert_eq!((missing.status, missing.code().as_str()), (401, "AUTH_001"));
    assert_eq!(missing.header("www-authenticate"), Some("Bearer"));
    let basic = gw
        .send(
            "POST",
            CHAT,
            &[
                ("authorization", "Basic YTpi"),
                ("content-type", "application/json"),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(basic.status, 401);
    for bad in [
        "x",
        "rmp_",
        "sk-anything",
        "rmp_0000000000000000000000000000000000000000000000000000",
    ] {
        let a = gw.post(CHAT, Some(bad), &body).await;
        assert_eq!((a.status, a.code().as_str()), (401, "AUTH_002"), "{bad}");
    }
    // A valid key with one character changed fails the checksum.
    let key = gw.key().await;
    let mut typo: Vec<char> = key.chars().collect();
    let i = typo.len() - 10;
    typo[i] = if typo[i] == 'a' { 'b' } else { 'a' };
    let typo: String = typo.into_iter().collect();
    assert_eq!(gw.post(CHAT, Some(&typo), &body).await.status, 401);
    // Expired at issue.
    let (expired, _) = gw
        .create_key(json!({"scopes": ["execute:*"], "expires_in_secs": 0}))
        .await;
    assert_eq!(gw.post(CHAT, Some(&expired), &body).await.status, 401);
    // The genuine key passes.
    assert_eq!(gw.post(CHAT, Some(&key), &body).await.status, 200);
}

#[tokio::test]
async fn unknown_key_from_a_sibling_deployment_is_401() {
    // Two gateways with the same server secret: a key of one is well-formed and correctly
    // tagged for the other, but unknown to its store.
    let pepper = "Zq3v8Kp1Lw9Xr2Ty6Ub4Nc7Md0Fe5Gh!sJ";
    let env = |name: &str| (name == "RAMPART_KEY_PEPPER").then(|| pepper.to_owned());
    let mk = || async {
        let dir = tempfile::tempdir().unwrap();
        let config = gateway::Config {
            bind: ([127, 0, 0, 1], 0).into(),
            data_dir: dir.path().to_path_buf(),
            demo_key_ttl_secs: 0,
            ..gateway::Config::default()
        };
        let running = gateway::start_with(config, &env).await.unwrap();
        common::wrap(dir, running)
    };
    let a = mk().await;
    let b = mk().await;
    let key = a.key().await;
    assert_eq!(a.post(CHAT, Some(&key), &chat_body("hi")).await.status, 200);
    let other = b.post(CHAT, Some(&key), &chat_body("hi")).await;
    assert_eq!((other.status, other.code().as_str()), (401, "AUTH_002"));
}

#[tokio::test]
async fn weak_secret_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = gateway::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        data_dir: dir.path().to_path_buf(),
        ..gateway::Config::default()
    };
    for (name, value) in [
        ("RAMPART_KEY_PEPPER", "changeme"),
        (
            "RAMPART_KEY_PEPPER",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
        (
            "RAMPART_ADMIN_KEY",
            "your-secret-here-your-secret-here-1234",
        ),
    ] {
        let env = |n: &str| (n == name).then(|| value.to_owned());
        let err = gateway::start_with(config.clone(), &env).await.unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(name), "{msg}");
        assert!(
            !msg.contains(value),
            "the message must not show the value: {msg}"
        );
    }
    let required = gateway::Config {
        require_env_secrets: true,
        ..config
    };
    let err = gateway::start_with(required, &|_| None).await.unwrap_err();
    assert!(err.to_string().contains("RAMPART_"), "{err}");
}

#[tokio::test]
async fn scopes_are_403() {
    let gw = start(|_| {}).await;
    let (key, _) = gw
        .create_key(json!({"scopes": ["execute:embeddings"]}))
        .await;
    let chat = gw.post(CHAT, Some(&key), &chat_body("hi")).await;
    assert_eq!((chat.status, chat.code().as_str()), (403, "AUTH_003"));
    let emb = gw
        .post(
            "/v1/embeddings",
            Some(&key),
            r#"{"model":"m","input":"hello"}"#,
        )
        .await;
    assert_eq!(emb.status, 200, "{}", emb.text());
    let speech = gw
        .post(
            "/v1/audio/speech",
            Some(&key),
            r#"{"model":"m","input":"hi","voice":"v"}"#,
        )
        .await;
    assert_eq!(speech.status, 403);
}

#[tokio::test]
async fn revoked_key_fails_on_the_very_next_request() {
    let gw = start(|_| {}).await;
    let (key, id) = gw
        .create_key(json!({"scopes": ["execute:*"], "label": "ci"}))
        .await;
    assert_eq!(
        gw.post(CHAT, Some(&key), &chat_body("hi")).await.status,
        200
    );
    let revoked = gw
        .admin("POST", &format!("/admin/keys/{id}/revoke"), None)
        .await;
    assert_eq!(revoked.status, 200);
    assert!(revoked.json()["revoked_at"].is_u64());
    let next = gw.post(CHAT, Some(&key), &chat_body("hi")).await;
    assert_eq!((next.status, next.code().as_str()), (401, "AUTH_002"));
    // Unknown ids are 404; the list shows the revocation and never a secret.
    assert_eq!(
        gw.admin("POST", "/admin/keys/nope/revoke", None)
            .await
            .status,
        404
    );
    let list = gw.admin("GET", "/admin/keys", None).await;
    let text = list.text();
    assert!(!text.contains(&key));
    assert!(!text.contains("hash"));
    let keys = list.json()["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["label"], "ci");
}

#[tokio::test]
async fn rotation_keeps_the_old_key_for_the_grace_period() {
    let gw = start(|_| {}).await;
    let (old, id) = gw.create_key(json!({"scopes": ["execute:*"]})).await;
    let rotated = gw
        .admin(
            "POST",
            &format!("/admin/keys/{id}/rotate"),
            Some(r#"{"grace_secs": 600}"#),
        )
        .await;
    assert_eq!(rotated.status, 201);
    let v = rotated.json();
    let new = v["key"].as_str().unwrap().to_owned();
    assert_eq!(v["replaces"], id.as_str());
    assert_eq!(
        gw.post(CHAT, Some(&old), &chat_body("hi")).await.status,
        200
    );
    assert_eq!(
        gw.post(CHAT, Some(&new), &chat_body("hi")).await.status,
        200
    );
    // A second rotation of the old key with no grace retires it at once.
    let again = gw
        .admin(
            "POST",
            &format!("/admin/keys/{id}/rotate"),
            Some(r#"{"grace_secs": 0}"#),
        )
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(
        gw.post(CHAT, Some(&old), &chat_body("hi")).await.status,
        401
    );
    assert_eq!(
        gw.post(CHAT, Some(&new), &chat_body("hi")).await.status,
        200
    );
    // A retired (expired) key cannot be revived by rotating it: 409, never a 500.
    let revive = gw
        .admin(
            "POST",
            &format!("/admin/keys/{id}/rotate"),
            Some(r#"{"grace_secs": 600}"#),
        )
        .await;
    assert_eq!(
        (revive.status, revive.code().as_str()),
        (409, "REQUEST_005")
    );
}

#[tokio::test]
async fn admin_rejects_bad_key_requests() {
    let gw = start(|_| {}).await;
    let bad_scope = gw
        .admin(
            "POST",
            "/admin/keys",
            Some(r#"{"scopes": ["not a scope"]}"#),
        )
        .await;
    assert_eq!(bad_scope.status, 400);
    let unknown_field = gw
        .admin(
            "POST",
            "/admin/keys",
            Some(r#"{"scopes": ["execute:*"], "admin": true}"#),
        )
        .await;
    assert_eq!(unknown_field.status, 400);
    let no_admin = gw
        .send(
            "POST",
            "/admin/keys",
            &[("content-type", "application/json")],
            Some(r#"{"scopes":[]}"#),
        )
        .await;
    assert_eq!(no_admin.status, 401);
}

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let gw = start(|_| {}).await;
    let key = gw.key().await;
    let good = format!("Bearer {key}");
    let body = chat_body("hello");
    for pair in [
        [good.as_str(), "Bearer junk"],
        ["Bearer junk", good.as_str()],
    ] {
        let a = gw
            .send(
                "POST",
                CHAT,
                &[
                    ("content-type", "application/json"),
                    ("authorization", pair[0]),
                    ("authorization", pair[1]),
                ],
                Some(&body),
            )
            .await;
        assert_eq!((a.status, a.code().as_str()), (401, "AUTH_002"));
    }
    let admin = format!("Bearer {}", gw.admin_key);
    let a = gw
        .send(
            "GET",
            "/admin/status",
            &[("authorization", &admin), ("authorization", "Bearer junk")],
            None,
        )
        .await;
    assert_eq!((a.status, a.code().as_str()), (401, "AUTH_002"));
    // One header, any case of the scheme, still works.
    let one = gw
        .send(
            "POST",
            CHAT,
            &[
                ("content-type", "application/json"),
                ("authorization", &format!("bearer {key}")),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(one.status, 200, "{}", one.text());
    assert!(gw.mock().received().len() == 1);
}

#[tokio::test]
async fn the_admin_surface_is_not_enumerable_without_the_admin_key() {
    let gw = start(|_| {}).await;
    let key = gw.key().await;
    let api_key = format!("Bearer {key}");
    for (method, path) in [
        ("GET", "/admin/nope"),
        ("GET", "/admin"),
        ("DELETE", "/admin/keys"),
        ("GET", "/admin/keys/abc/revoke"),
        ("GET", "/admin/status"),
    ] {
        for auth in [None, Some(api_key.as_str())] {
            let headers: Vec<(&str, &str)> =
                auth.map(|a| ("authorization", a)).into_iter().collect();
            let a = gw.send(method, path, &headers, None).await;
            assert_eq!(a.status, 401, "{method} {path} {auth:?}: {}", a.text());
        }
    }
    // With the admin key, unknown paths are 404 and wrong methods 405.
    assert_eq!(gw.admin("GET", "/admin/nope", None).await.status, 404);
    assert_eq!(gw.admin("DELETE", "/admin/keys", None).await.status, 405);
    assert_eq!(gw.admin("GET", "/admin/status", None).await.status, 200);
}
