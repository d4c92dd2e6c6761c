//! Scale-out over real HTTP with two gateway instances on ephemeral ports:
//! - PostgreSQL (`RAMPART_POSTGRES_URL`, feature `postgres`): a key created on A works on B, a
//!   revoke on A fails B's very next request, and the one audit log holds both instances'
//!   admin actions and verifies;
//! - Redis (`RAMPART_REDIS_URL`, feature `redis`): a retry with the same `Idempotency-Key` on
//!   B replays A's answer without calling the provider again (the answer is sealed in Redis
//!   under a key derived from the shared `RAMPART_KEY_PEPPER`: both instances must share it).
//!
//! Each test uses its own PostgreSQL schema / Redis prefix (random), so parallel runs do not
//! collide, and removes them at the end. Skipped (with a message) when the variable is unset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

/// Secrets every instance shares (from the environment, as in production).
fn shared_env(name: &str) -> Option<String> {
    match name {
        "RAMPART_KEY_PEPPER" => Some("Zq3v8Kp1Lw9Xr2Ty6Ub4Nc7Md0Fe5Gh!sJ".into()),
        "RAMPART_AUDIT_KEY" => Some("Pm4w!Xc7Rt2Yb9Ln5Kd8Hs3Gf6Jq1Vz0eA".into()),
        "RAMPART_ADMIN_KEY" => Some("Adm1n-Kq9Wz4Tx7Rb2Nc5Lm8Vd3Hf6Js0gP".into()),
        _ => None,
    }
}

#[cfg(any(feature = "postgres", feature = "redis"))]
async fn instance(edit: impl FnOnce(&mut gateway::Config)) -> common::Gateway {
    let dir = tempfile::tempdir().unwrap();
    let mut config = gateway::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        data_dir: dir.path().to_path_buf(),
        demo_key_ttl_secs: 0,
        ..gateway::Config::default()
    };
    edit(&mut config);
    let running = gateway::start_with(config, &shared_env).await.unwrap();
    let mut gw = common::wrap(dir, running);
    gw.admin_key = shared_env("RAMPART_ADMIN_KEY").unwrap();
    gw
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn keys_and_audit_live_in_postgres_for_every_instance() {
    let Some(url) = common::service_url("RAMPART_POSTGRES_URL") else {
        return;
    };
    let schema = format!("gwtest_{}", common::suffix());
    let edit = |c: &mut gateway::Config| {
        c.postgres_url = Some(url.clone());
        c.postgres_schema = schema.clone();
    };
    let a = instance(edit).await;
    let b = instance(edit).await;
    let status = b.admin("GET", "/admin/status", None).await;
    assert_eq!(status.json()["shared_keys"], true, "{}", status.text());

    // Created on A, used on B.
    let (key, id) = a
        .create_key(serde_json::json!({"scopes": ["execute:*"], "tools": ["search"]}))
        .await;
    let r = b
        .post("/v1/chat/completions", Some(&key), &common::chat_body("hi"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // B lists it, with its tool allow-list, and the row holds no plaintext.
    let list = b.admin("GET", "/admin/keys", None).await.json();
    let listed = list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id.as_str())
        .expect("B lists the key created on A")
        .clone();
    assert_eq!(listed["tools"], serde_json::json!(["search"]));
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let row = client
        .query_one(
            &format!("SELECT record FROM {schema}.api_keys WHERE id = $1"),
            &[&id],
        )
        .await
        .unwrap();
    let record: String = row.get(0);
    assert!(!record.contains(&key), "the plaintext key is never stored");
    // B's use is recorded (last-used, written in the background) and A sees it.
    let mut seen = false;
    for _ in 0..50 {
        let list = a.admin("GET", "/admin/keys", None).await.json();
        seen = list["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["id"] == id.as_str() && k["last_used_at"].is_u64());
        if seen {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(seen, "last_used_at reached PostgreSQL");

    // Revoked on A: B's very next request fails (no stale cache), and so does A's.
    let revoked = a
        .admin("POST", &format!("/admin/keys/{id}/revoke"), None)
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let r = b
        .post("/v1/chat/completions", Some(&key), &common::chat_body("hi"))
        .await;
    assert_eq!(r.status, 401, "{}", r.text());
    let r = a
        .post("/v1/chat/completions", Some(&key), &common::chat_body("hi"))
        .await;
    assert_eq!(r.status, 401);

    // Rotated on B (a key B has never served), the successor works on A.
    let (key2, id2) = a
        .create_key(serde_json::json!({"scopes": ["execute:*"]}))
        .await;
    let rotated = b
        .admin(
            "POST",
            &format!("/admin/keys/{id2}/rotate"),
            Some(r#"{"grace_secs": 0}"#),
        )
        .await;
    assert_eq!(rotated.status, 201, "{}", rotated.text());
    let key3 = rotated.json()["key"].as_str().unwrap().to_owned();
    let r = a
        .post(
            "/v1/chat/completions",
            Some(&key3),
            &common::chat_body("hi"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = a
        .post(
            "/v1/chat/completions",
            Some(&key2),
            &common::chat_body("hi"),
        )
        .await;
    assert_eq!(r.status, 401, "the rotated key retired at once (grace 0)");

    // One audit log: B sees A's admin actions, and it verifies, checkpoints included.
    let cp = a.admin("POST", "/admin/audit/checkpoint", None).await;
    assert_eq!(cp.status, 200, "{}", cp.text());
    let created = b
        .admin("GET", "/admin/audit?action=api_key.created", None)
        .await
        .json();
    let targets: Vec<_> = created["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        targets.contains(&id) && targets.contains(&id2),
        "{targets:?}"
    );
    let revokes = b
        .admin("GET", "/admin/audit?action=api_key.revoked", None)
        .await
        .json();
    assert_eq!(revokes["entries"][0]["target"], id.as_str());
    assert_eq!(revokes["entries"][0]["outcome"], "success");
    let verdict = b.admin("GET", "/admin/audit/verify", None).await.json();
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert!(verdict["checkpointed"].as_u64().unwrap() >= 1, "{verdict}");
    let rows: i64 = client
        .query_one(&format!("SELECT count(*) FROM {schema}.audit_entries"), &[])
        .await
        .unwrap()
        .get(0);
    assert!(rows >= 8, "every admin action of both instances: {rows}");

    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .unwrap();
    // The database failing: authenticated requests fail closed (503), never on a stale record.
    let r = b
        .post(
            "/v1/chat/completions",
            Some(&key3),
            &common::chat_body("hi"),
        )
        .await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.code(), "INTERNAL_002");
    a.running.shutdown().await.unwrap();
    b.running.shutdown().await.unwrap();
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_postgres_instance_refuses_to_generate_shared_secrets() {
    let Some(url) = common::service_url("RAMPART_POSTGRES_URL") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = gateway::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        data_dir: dir.path().to_path_buf(),
        postgres_url: Some(url),
        postgres_schema: format!("gwtest_{}", common::suffix()),
        ..gateway::Config::default()
    };
    // A pepper generated per instance would make keys issued on one fail on the others.
    let err = gateway::start_with(config, &|_| None).await.unwrap_err();
    assert!(err.to_string().contains("RAMPART_KEY_PEPPER"), "{err}");
}

#[cfg(not(feature = "postgres"))]
#[tokio::test]
async fn postgres_url_without_the_feature_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = gateway::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        data_dir: dir.path().to_path_buf(),
        postgres_url: Some("postgres://127.0.0.1:1/none".into()),
        ..gateway::Config::default()
    };
    let err = gateway::start_with(config, &shared_env).await.unwrap_err();
    assert!(err.to_string().contains("postgres"), "{err}");
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn an_idempotent_retry_on_another_instance_replays_the_first_answer() {
    let Some(url) = common::service_url("RAMPART_REDIS_URL") else {
        return;
    };
    let prefix = format!("rampart-gwtest-{}", common::suffix());
    // Keys from one SQLite file copied to B (keys are not what this test shares).
    let a = instance(|c| {
        c.redis_url = Some(url.clone());
        c.redis_prefix = prefix.clone();
    })
    .await;
    let key = a.key().await;
    a.running.state.db.checkpoint().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    std::fs::copy(
        a.dir.path().join("gateway.db"),
        dir_b.path().join("gateway.db"),
    )
    .unwrap();
    let b = {
        let config = gateway::Config {
            bind: ([127, 0, 0, 1], 0).into(),
            data_dir: dir_b.path().to_path_buf(),
            demo_key_ttl_secs: 0,
            redis_url: Some(url.clone()),
            redis_prefix: prefix.clone(),
            ..gateway::Config::default()
        };
        let running = gateway::start_with(config, &shared_env).await.unwrap();
        let mut gw = common::wrap(dir_b, running);
        gw.admin_key = shared_env("RAMPART_ADMIN_KEY").unwrap();
        gw
    };
    let status = b.admin("GET", "/admin/status", None).await.json();
    assert_eq!(status["shared_idempotency"], true, "{status}");

    let auth = format!("Bearer {key}");
    let headers = [
        ("content-type", "application/json"),
        ("authorization", auth.as_str()),
        ("idempotency-key", "order-42"),
    ];
    let body = common::chat_body("charge me once");
    let first = a
        .send("POST", "/v1/chat/completions", &headers, Some(&body))
        .await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.header("idempotent-replayed"), None);
    let calls_a = a.mock().received().len();
    let retry = b
        .send("POST", "/v1/chat/completions", &headers, Some(&body))
        .await;
    assert_eq!(retry.status, 200, "{}", retry.text());
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body, first.body, "B replays A's answer byte for byte");
    assert_eq!(
        retry.header("content-type"),
        first.header("content-type"),
        "and its content type"
    );
    assert_eq!(b.mock().received().len(), 0, "B never called the provider");
    assert_eq!(a.mock().received().len(), calls_a);
    // The same key with another body is a conflict on B too.
    let other = common::chat_body("something else");
    let conflict = b
        .send("POST", "/v1/chat/completions", &headers, Some(&other))
        .await;
    assert_eq!(conflict.status, 422, "{}", conflict.text());

    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query(&mut conn)
        .unwrap();
    assert!(
        keys.iter()
            .any(|k| k.starts_with(&format!("{prefix}:idem:"))),
        "{keys:?}"
    );
    common::drop_redis_keys(&mut conn, &format!("{prefix}*"));
}

#[cfg(not(feature = "redis"))]
#[test]
fn an_idempotent_retry_on_another_instance_replays_the_first_answer() {
    println!("skipped: built without the `redis` feature");
}

#[tokio::test]
async fn the_in_memory_idempotency_store_keeps_to_its_byte_budget() {
    for (budget, replayed) in [(64 * 1024, true), (16, false)] {
        let gw = common::start(|c| c.limits.idempotency_max_bytes = budget).await;
        let key = gw.key().await;
        let auth = format!("Bearer {key}");
        let body = common::chat_body("hello");
        let headers = [
            ("content-type", "application/json"),
            ("authorization", auth.as_str()),
            ("idempotency-key", "budget-1"),
        ];
        let first = gw
            .send("POST", "/v1/chat/completions", &headers, Some(&body))
            .await;
        assert_eq!(first.status, 200, "{}", first.text());
        assert!(first.body.len() > 16);
        let again = gw
            .send("POST", "/v1/chat/completions", &headers, Some(&body))
            .await;
        assert_eq!(again.status, 200);
        assert_eq!(
            again.header("idempotent-replayed").is_some(),
            replayed,
            "budget {budget}"
        );
        // Over budget the answer was not kept: the retry ran again.
        assert_eq!(gw.mock().received().len(), if replayed { 1 } else { 2 });
        match &gw.running.state.resilience.idempotency {
            gateway::resilient::Idempotency::Memory(store) => {
                assert!(store.stored_bytes() <= budget);
                assert_eq!(store.stored_bytes() > 0, replayed);
            }
            #[allow(unreachable_patterns)]
            _ => panic!("no redis_url: the store is in memory"),
        }
    }
}

/// The PostgreSQL connections of an instance are cut (a database restart, a failover, an idle
/// timeout in a proxy): the next requests fail closed at most, and the instance reconnects by
/// itself, for the keys and for the audit log, without a restart.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn an_instance_reconnects_after_postgres_drops_its_connections() {
    let Some(url) = common::service_url("RAMPART_POSTGRES_URL") else {
        return;
    };
    let tag = common::suffix();
    let schema = format!("gwtest_{tag}");
    // Its connections carry a name of their own, so the test cuts only them.
    let app = format!("gwtest_{tag}");
    let sep = if url.contains('?') { '&' } else { '?' };
    let instance_url = format!("{url}{sep}application_name={app}");
    let gw = instance(|c| {
        c.postgres_url = Some(instance_url.clone());
        c.postgres_schema = schema.clone();
    })
    .await;
    let (key, id) = gw
        .create_key(serde_json::json!({"scopes": ["execute:*"]}))
        .await;
    let r = gw
        .post("/v1/chat/completions", Some(&key), &common::chat_body("hi"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());

    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let cut = client
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
            &[&app],
        )
        .await
        .unwrap();
    assert!(cut.len() >= 2, "the keys' and the audit log's connections");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Requests authenticate again (one may fail closed while the cut is noticed).
    let mut status = 0;
    for _ in 0..3 {
        status = gw
            .post("/v1/chat/completions", Some(&key), &common::chat_body("hi"))
            .await
            .status;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "a failure must be closed");
    }
    assert_eq!(status, 200);
    // Admin actions, which are audited, work again: the revoke is recorded and applies.
    let mut revoked = gw
        .admin("POST", &format!("/admin/keys/{id}/revoke"), None)
        .await;
    if revoked.status != 200 {
        revoked = gw
            .admin("POST", &format!("/admin/keys/{id}/revoke"), None)
            .await;
    }
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let r = gw
        .post("/v1/chat/completions", Some(&key), &common::chat_body("hi"))
        .await;
    assert_eq!(r.status, 401, "{}", r.text());
    let logged = gw
        .admin("GET", "/admin/audit?action=api_key.revoked", None)
        .await;
    assert_eq!(logged.status, 200, "{}", logged.text());
    assert!(logged.text().contains(&id), "{}", logged.text());
    let verdict = gw.admin("GET", "/admin/audit/verify", None).await;
    assert_eq!(verdict.status, 200, "{}", verdict.text());
    gw.running.shutdown().await.unwrap();
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .await
        .unwrap();
}
