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
    let Ok(url) = std::env::var("RAMPART_REDIS_URL") else {
        println!("skipped: RAMPART_REDIS_URL not set");
        return;
    };
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).unwrap();
    let prefix = format!("rampart-gwtest-{}", hex::encode(suffix));
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
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("*{prefix}*"))
        .query(&mut conn)
        .unwrap();
    if !keys.is_empty() {
        let _: () = redis::cmd("DEL").arg(keys).query(&mut conn).unwrap();
    }
}

#[cfg(not(feature = "redis"))]
#[test]
fn two_instances_share_one_quota() {
    println!("skipped: built without the `redis` feature");
}
