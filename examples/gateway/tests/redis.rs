//! With Redis (`RAMPART_REDIS_URL`, feature `redis`): two gateway instances share one quota.
//! Skipped when the variable is unset.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

#[cfg(feature = "redis")]
#[tokio::test]
async fn two_instances_share_one_quota() {
    let Some(url) = common::service_url("RAMPART_REDIS_URL") else {
        return;
    };
    let prefix = format!("rampart-gwtest-{}", common::suffix());
    let pepper = "Zq3v8Kp1Lw9Xr2Ty6Ub4Nc7Md0Fe5Gh!sJ";
    let env = |name: &str| (name == "RAMPART_KEY_PEPPER").then(|| pepper.to_owned());
    let config = |dir: &tempfile::TempDir| gateway::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        data_dir: dir.path().to_path_buf(),
        demo_key_ttl_secs: 0,
        redis_url: Some(url.clone()),
        redis_prefix: prefix.clone(),
        limits: gateway::config::LimitsConfig {
            per_endpoint: "4/min".into(),
            ..Default::default()
        },
        ..gateway::Config::default()
    };
    let dir_a = tempfile::tempdir().unwrap();
    let a = common::wrap(
        tempfile::tempdir().unwrap(),
        gateway::start_with(config(&dir_a), &env).await.unwrap(),
    );
    let key = a.key().await;
    // The second instance shares the key database (a copy made after the key was issued).
    a.running.state.db.checkpoint().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir_a.path().join("gateway.db"),
        dir_b.path().join("gateway.db"),
    )
    .unwrap();
    let b = common::wrap(
        tempfile::tempdir().unwrap(),
        gateway::start_with(config(&dir_b), &env).await.unwrap(),
    );
    assert_eq!(
        a.admin("GET", "/admin/status", None).await.json()["shared_limits"],
        true
    );
    let mut admitted = 0;
    for i in 0..10 {
        let gw = if i % 2 == 0 { &a } else { &b };
        let r = gw
            .post("/v1/chat/completions", Some(&key), &common::chat_body("hi"))
            .await;
        match r.status {
            200 => admitted += 1,
            429 => assert!(r.header("retry-after").is_some()),
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
    assert_eq!(
        admitted, 4,
        "both instances together admit exactly the quota"
    );
    // Clean up this run's keys.
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    common::drop_redis_keys(&mut conn, &format!("*{prefix}*"));
}

/// Idempotency-Key answers (PII restored) are sealed in Redis: the raw value holds no
/// plaintext, a tampered record or one copied under another key is never replayed, and Redis
/// without a shared, strong `RAMPART_KEY_PEPPER` stops the start.
#[cfg(feature = "redis")]
#[tokio::test]
async fn idempotent_answers_are_encrypted_in_redis() {
    let Some(url) = common::service_url("RAMPART_REDIS_URL") else {
        return;
    };
    let prefix = format!("rampart-gwtest-{}", common::suffix());
    let config = |dir: &tempfile::TempDir| gateway::Config {
        bind: ([127, 0, 0, 1], 0).into(),
        data_dir: dir.path().to_path_buf(),
        demo_key_ttl_secs: 0,
        redis_url: Some(url.clone()),
        redis_prefix: prefix.clone(),
        ..gateway::Config::default()
    };
    // No pepper, or a weak one: refused, naming the variable.
    for pepper in [None, Some("password123")] {
        let dir = tempfile::tempdir().unwrap();
        let env = |name: &str| {
            (name == "RAMPART_KEY_PEPPER")
                .then(|| pepper.map(str::to_owned))
                .flatten()
        };
        let err = gateway::start_with(config(&dir), &env).await.unwrap_err();
        assert!(
            err.to_string().contains("RAMPART_KEY_PEPPER"),
            "{pepper:?}: {err}"
        );
    }

    let pepper = "Zq3v8Kp1Lw9Xr2Ty6Ub4Nc7Md0Fe5Gh!sJ";
    let env = |name: &str| (name == "RAMPART_KEY_PEPPER").then(|| pepper.to_owned());
    let dir = tempfile::tempdir().unwrap();
    let gw = common::wrap(
        tempfile::tempdir().unwrap(),
        gateway::start_with(config(&dir), &env).await.unwrap(),
    );
    let key = gw.key().await;
    let auth = format!("Bearer {key}");
    let email = "ada.lovelace@example.com";
    let body = common::chat_body(&format!("mail {email} the invoice"));
    let send = |idem: &'static str| {
        let headers = [
            ("content-type", "application/json"),
            ("authorization", auth.as_str()),
            ("idempotency-key", idem),
        ];
        let body = body.clone();
        let gw = &gw;
        async move {
            gw.send("POST", "/v1/chat/completions", &headers, Some(&body))
                .await
        }
    };
    let first = send("enc-1").await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert!(first.text().contains(email), "restored: {}", first.text());
    let again = send("enc-1").await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(gw.mock().received().len(), 1);

    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:idem:*"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let record = keys[0].clone();
    let raw: Vec<u8> = redis::cmd("GET").arg(&record).query(&mut conn).unwrap();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(
        !contains(&raw, email.as_bytes()),
        "the restored email is stored in clear"
    );
    assert!(
        !contains(&raw, b"You said"),
        "the answer is stored in clear"
    );
    assert!(
        !contains(&raw, b"application/json"),
        "the content type is stored in clear"
    );

    // The same record copied under another Idempotency-Key (same body, so the same
    // fingerprint): bound to its own Redis key, it does not decrypt and is not replayed.
    let copy = record.replace("-enc-1", "-enc-2");
    assert_ne!(copy, record);
    let _: () = redis::cmd("SET")
        .arg(&copy)
        .arg(&raw)
        .arg("EX")
        .arg(600)
        .query(&mut conn)
        .unwrap();
    let moved = send("enc-2").await;
    assert_eq!(moved.status, 503, "{}", moved.text());
    assert_eq!(moved.header("idempotent-replayed"), None);
    assert!(!moved.text().contains(email));

    // The last byte (the GCM tag) flipped: not replayed either.
    let mut tampered = raw.clone();
    *tampered.last_mut().unwrap() ^= 1;
    let _: () = redis::cmd("SET")
        .arg(&record)
        .arg(&tampered)
        .arg("EX")
        .arg(600)
        .query(&mut conn)
        .unwrap();
    let replay = send("enc-1").await;
    assert_eq!(replay.status, 503, "{}", replay.text());
    assert_eq!(replay.header("idempotent-replayed"), None);
    assert!(!replay.text().contains(email));
    assert_eq!(gw.mock().received().len(), 1, "nothing ran twice");

    common::drop_redis_keys(&mut conn, &format!("*{prefix}*"));
}

#[cfg(not(feature = "redis"))]
#[test]
fn two_instances_share_one_quota() {
    println!("skipped: built without the `redis` feature");
}
