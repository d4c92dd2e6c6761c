//! End-to-end tests of the admin API over real HTTP: provider credentials encrypted at rest
//! (envelope-encryption), forwarded decrypted to the provider only; the audit log (audit-log)
//! records every admin action, answers queries and verifies, and detects tampering.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{chat_body, start};
use serde_json::json;

const SECRET: &str = "sk-live-PROVIDERCREDENTIAL-0123456789abcdef";

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(path.display().to_string());
                }
            }
        }
    }
    hits
}

#[tokio::test]
async fn credential_is_encrypted_at_rest_and_reaches_only_the_provider() {
    let gw = start(|c| {
        c.provider = gateway::config::ProviderConfig::Mock {
            credential: Some("mock-provider".into()),
        }
    })
    .await;
    let key = gw.key().await;
    // Not stored yet: the call fails closed.
    assert_eq!(
        gw.post("/v1/chat/completions", Some(&key), &chat_body("hi"))
            .await
            .status,
        502
    );
    let put = gw
        .admin(
            "PUT",
            "/admin/credentials/mock-provider",
            Some(&json!({"value": SECRET}).to_string()),
        )
        .await;
    assert_eq!(put.status, 204, "{}", put.text());
    let a = gw
        .post("/v1/chat/completions", Some(&key), &chat_body("hi"))
        .await;
    assert_eq!(a.status, 200);
    let received = gw.mock().received();
    let last = received.last().unwrap();
    assert_eq!(
        last.authorization.as_deref(),
        Some(format!("Bearer {SECRET}").as_str())
    );
    // The client never sees it; the list shows names only.
    assert!(!a.text().contains(SECRET));
    let list = gw.admin("GET", "/admin/credentials", None).await;
    assert_eq!(list.json()["credentials"][0]["name"], "mock-provider");
    assert!(!list.text().contains(SECRET));
    // Nowhere in plaintext on disk: the SQLite file (checkpointed), its WAL, the audit log.
    gw.running.state.db.checkpoint().unwrap();
    assert_eq!(
        files_contain(gw.dir.path(), SECRET.as_bytes()),
        Vec::<String>::new()
    );
    assert_eq!(
        files_contain(gw.dir.path(), b"PROVIDERCREDENTIAL"),
        Vec::<String>::new()
    );
    let stored = gw
        .running
        .state
        .db
        .credential("mock-provider")
        .unwrap()
        .unwrap();
    assert!(stored.starts_with("enc:v2:k1:"), "{stored}");
    // Bad names and bodies are refused.
    assert_eq!(
        gw.admin("PUT", "/admin/credentials/a%20b", Some(r#"{"value":"x"}"#))
            .await
            .status,
        400
    );
    assert_eq!(
        gw.admin("PUT", "/admin/credentials/x", Some(r#"{"value":""}"#))
            .await
            .status,
        400
    );
    assert_eq!(
        gw.admin(
            "PUT",
            "/admin/credentials/x",
            Some(r#"{"value":"x","y":1}"#)
        )
        .await
        .status,
        400
    );
}

#[tokio::test]
async fn credentials_survive_a_restart_under_the_same_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = gateway::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        data_dir: dir.path().to_path_buf(),
        demo_key_ttl_secs: 0,
        provider: gateway::config::ProviderConfig::Mock {
            credential: Some("p".into()),
        },
        ..gateway::Config::default()
    };
    let first = common::start_in(dir, config.clone()).await;
    first
        .admin(
            "PUT",
            "/admin/credentials/p",
            Some(&json!({"value": SECRET}).to_string()),
        )
        .await;
    let key = first.key().await;
    let dir = {
        let common::Gateway { running, dir, .. } = first;
        running.shutdown().await.unwrap();
        dir
    };
    // The generated admin key is not shown again; the master key file is reused.
    let second = common::start_in(dir, config).await;
    assert!(second.admin_key.is_empty());
    assert_eq!(
        second
            .post("/v1/chat/completions", Some(&key), &chat_body("hi"))
            .await
            .status,
        200
    );
    assert_eq!(
        second.mock().received()[0].authorization.as_deref(),
        Some(format!("Bearer {SECRET}").as_str())
    );
}

#[tokio::test]
async fn audit_log_holds_the_admin_actions_and_verifies() {
    let gw = start(|_| {}).await;
    let (_, id) = gw
        .create_key(json!({"scopes": ["execute:*"], "label": "audited"}))
        .await;
    gw.admin("POST", &format!("/admin/keys/{id}/rotate"), None)
        .await;
    gw.admin("POST", &format!("/admin/keys/{id}/revoke"), None)
        .await;
    gw.admin(
        "PUT",
        "/admin/credentials/p",
        Some(&json!({"value": SECRET}).to_string()),
    )
    .await;
    let page = gw.admin("GET", "/admin/audit?limit=50", None).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let entries = page.json()["entries"].as_array().unwrap().clone();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "api_key.created",
            "api_key.rotated",
            "api_key.revoked",
            "credential.stored"
        ]
    );
    assert_eq!(entries[0]["target"], id.as_str());
    assert_eq!(entries[0]["actor"]["kind"], "admin");
    assert_eq!(entries[0]["details"]["label"], "audited");
    assert!(!page.text().contains(SECRET));
    // Filtered query.
    let revoked = gw
        .admin("GET", "/admin/audit?action=api_key.revoked", None)
        .await;
    assert_eq!(revoked.json()["entries"].as_array().unwrap().len(), 1);
    assert_eq!(
        gw.admin("GET", "/admin/audit?bogus=1", None).await.status,
        400
    );
    // The query itself was an admin action.
    let verify = gw.admin("GET", "/admin/audit/verify", None).await;
    let v = verify.json();
    assert_eq!(v["valid"], true, "{v}");
    assert!(v["size"].as_u64().unwrap() >= 6);
    let checkpoint = gw.admin("POST", "/admin/audit/checkpoint", None).await;
    assert_eq!(checkpoint.status, 200);
    // Rewriting a recorded event is detected and named.
    let path = gw.dir.path().join("audit.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"audited\""));
    std::fs::write(&path, text.replacen("\"audited\"", "\"innocent\"", 1)).unwrap();
    let tampered = gw.admin("GET", "/admin/audit/verify", None).await.json();
    assert_eq!(tampered["valid"], false, "{tampered}");
    assert_eq!(tampered["first_bad_seq"], 0);
}
