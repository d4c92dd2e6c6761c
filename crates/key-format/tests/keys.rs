//! The issue → store → verify pipeline through the public API: revocation, expiry, rotation,
//! scopes, redaction, and sharing across threads.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;
use std::time::Duration;

use key_format::{
    Clock, Error, KeyManager, KeyRequest, KeyStore, ManualClock, MemoryKeyStore, ScopeSet,
    ServerSecret, Timestamp, Verification, find_keys,
};

const OMNIROUTE_SCOPES: [&str; 16] = [
    "read:health",
    "read:combos",
    "write:combos",
    "read:quota",
    "read:usage",
    "read:models",
    "execute:completions",
    "execute:search",
    "write:budget",
    "write:resilience",
    "pricing:write",
    "read:cache",
    "write:cache",
    "read:compression",
    "write:compression",
    "read:proxies",
];

fn setup() -> (KeyManager, Arc<MemoryKeyStore>, Arc<ManualClock>) {
    let store = Arc::new(MemoryKeyStore::new());
    let clock = Arc::new(ManualClock::new(Timestamp::from_unix_secs(1_800_000_000)));
    let keys = KeyManager::builder(
        "omk_live",
        ServerSecret::from_bytes(b"integration-test server secret, 32+ bytes").unwrap(),
    )
    .store(store.clone())
    .clock(clock.clone())
    .build()
    .unwrap();
    (keys, store, clock)
}

#[test]
fn plaintext_is_never_stored_or_printed() {
    let (keys, store, _) = setup();
    let issued = keys
        .issue(KeyRequest::new().label("ci").principal("user-1"))
        .unwrap();
    let dbg = format!("{issued:?}");
    let (plain, record) = issued.into_parts();
    assert!(!dbg.contains(plain.expose()), "{dbg}");
    assert!(dbg.contains("[redacted]"));
    assert_eq!(format!("{plain:?}"), "PlaintextKey([redacted])");
    let stored = store.get(&record.key_id).unwrap().unwrap();
    let stored_dbg = format!("{stored:?}");
    assert!(!stored_dbg.contains(&plain.expose()[21..51]));
    assert_eq!(stored.label.as_deref(), Some("ci"));
    assert!(plain.expose().starts_with("omk_live_"));
    assert_eq!(plain.expose().len(), keys.format().key_len());
    // The plaintext is found by the scanner, with the same id.
    let found: Vec<_> = find_keys(plain.expose()).collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key_id(), record.key_id);
}

#[test]
fn verification_outcomes() {
    let (keys, store, clock) = setup();
    let (plain, record) = keys
        .issue(KeyRequest::new().expires_in(Duration::from_secs(3600)))
        .unwrap()
        .into_parts();
    let key = plain.expose();

    let v = keys.verify(key).unwrap().into_verified().unwrap();
    assert_eq!(v.key_id(), record.key_id);
    // last_used_at is written on success.
    assert_eq!(
        store.get(&record.key_id).unwrap().unwrap().last_used_at,
        Some(clock.now())
    );

    // Malformed input is an error and never reaches the store.
    assert!(matches!(
        keys.verify("omk_live_short"),
        Err(Error::BadLength { .. })
    ));
    assert!(matches!(keys.verify("sk_live_x"), Err(Error::WrongPrefix)));
    let mut typo = key.to_owned();
    let c = if &typo[30..31] == "a" { "b" } else { "a" };
    typo.replace_range(30..31, c);
    assert!(matches!(keys.verify(&typo), Err(Error::BadChecksum)));

    // A well-formed key of the same deployment that is not in the store: Unknown.
    let other_store = Arc::new(MemoryKeyStore::new());
    let twin = KeyManager::builder(
        "omk_live",
        ServerSecret::from_bytes(b"integration-test server secret, 32+ bytes").unwrap(),
    )
    .store(other_store)
    .build()
    .unwrap();
    let (stranger, _) = twin.issue(KeyRequest::new()).unwrap().into_parts();
    assert!(matches!(
        keys.verify(stranger.expose()).unwrap(),
        Verification::Unknown
    ));

    // A key signed by another deployment fails its tag offline.
    let foreign = KeyManager::builder("omk_live", ServerSecret::generate().unwrap())
        .build()
        .unwrap();
    let (f, _) = foreign.issue(KeyRequest::new()).unwrap().into_parts();
    assert!(matches!(keys.verify(f.expose()), Err(Error::BadTag)));

    // Expiry.
    clock.advance(Duration::from_secs(3599));
    assert!(keys.verify(key).unwrap().is_valid());
    clock.advance(Duration::from_secs(1));
    assert!(matches!(keys.verify(key).unwrap(), Verification::Expired));
}

#[test]
fn a_stored_hash_that_does_not_match_is_unknown() {
    let (keys, store, _) = setup();
    let (plain, record) = keys.issue(KeyRequest::new()).unwrap().into_parts();
    store
        .update(&record.key_id, &mut |r| {
            r.hash = key_format::KeyHash::from_bytes([0; 32]);
        })
        .unwrap();
    assert!(matches!(
        keys.verify(plain.expose()).unwrap(),
        Verification::Unknown
    ));
}

#[test]
fn revocation_takes_effect_on_the_next_verification() {
    let (keys, _, clock) = setup();
    let (plain, record) = keys.issue(KeyRequest::new()).unwrap().into_parts();
    assert!(keys.verify(plain.expose()).unwrap().is_valid());
    keys.revoke(&record.key_id).unwrap();
    assert!(matches!(
        keys.verify(plain.expose()).unwrap(),
        Verification::Revoked
    ));
    clock.advance(Duration::from_secs(10));
    keys.revoke(&record.key_id).unwrap();
    assert!(matches!(
        keys.verify(plain.expose()).unwrap(),
        Verification::Revoked
    ));
    assert!(matches!(keys.revoke("nope"), Err(Error::NoSuchKey)));
    assert!(matches!(
        keys.rotate(&record.key_id, Duration::from_secs(60)),
        Err(Error::KeyRevoked)
    ));
}

#[test]
fn rotation_keeps_the_old_key_until_the_grace_deadline() {
    let (keys, store, clock) = setup();
    let scopes = ScopeSet::parse("read:*,write:combos").unwrap();
    let (old, old_record) = keys
        .issue(
            KeyRequest::new()
                .scopes(scopes.clone())
                .principal("tenant-9")
                .label("deploy")
                .expires_in(Duration::from_secs(90 * 86400)),
        )
        .unwrap()
        .into_parts();
    clock.advance(Duration::from_secs(1000));
    let (new, new_record) = keys
        .rotate(&old_record.key_id, Duration::from_secs(3600))
        .unwrap()
        .into_parts();
    assert_eq!(new_record.scopes, scopes);
    assert_eq!(new_record.principal.as_deref(), Some("tenant-9"));
    assert_eq!(
        new_record.replaces.as_deref(),
        Some(old_record.key_id.as_str())
    );
    assert_eq!(
        new_record.expires_at,
        Some(clock.now().saturating_add(Duration::from_secs(90 * 86400)))
    );
    assert_eq!(store.list_for("tenant-9").unwrap().len(), 2);

    assert!(keys.verify(old.expose()).unwrap().is_valid());
    assert!(keys.verify(new.expose()).unwrap().is_valid());
    clock.advance(Duration::from_secs(3599));
    assert!(keys.verify(old.expose()).unwrap().is_valid());
    clock.advance(Duration::from_secs(1));
    assert!(matches!(
        keys.verify(old.expose()).unwrap(),
        Verification::Expired
    ));
    assert!(keys.verify(new.expose()).unwrap().is_valid());
    assert!(matches!(
        keys.rotate("missing", Duration::ZERO),
        Err(Error::NoSuchKey)
    ));
}

#[test]
fn scopes_with_the_omniroute_mcp_set() {
    let (keys, _, _) = setup();
    let (reader, _) = keys
        .issue(KeyRequest::new().scopes(ScopeSet::parse("read:*").unwrap()))
        .unwrap()
        .into_parts();
    let (all, _) = keys
        .issue(KeyRequest::new().scopes(ScopeSet::from_patterns(OMNIROUTE_SCOPES).unwrap()))
        .unwrap()
        .into_parts();
    let (none, _) = keys.issue(KeyRequest::new()).unwrap().into_parts();
    for scope in OMNIROUTE_SCOPES {
        let r = keys.verify_scoped(reader.expose(), scope).unwrap();
        if scope.starts_with("read:") {
            assert!(r.is_valid(), "{scope}");
        } else {
            assert!(matches!(r, Verification::InsufficientScope), "{scope}");
        }
        assert!(keys.verify_scoped(all.expose(), scope).unwrap().is_valid());
        assert!(matches!(
            keys.verify_scoped(none.expose(), scope).unwrap(),
            Verification::InsufficientScope
        ));
    }
    let v = keys.verify(all.expose()).unwrap().into_verified().unwrap();
    assert!(v.allows("pricing:write"));
    assert!(!v.allows("pricing:read"));
    assert_eq!(v.scopes().len(), 16);
}

#[test]
fn shared_behind_arc_dyn_across_threads() {
    let (keys, _, _) = setup();
    let keys = Arc::new(keys);
    let store: Arc<dyn KeyStore> = keys.store().clone();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let keys = keys.clone();
            std::thread::spawn(move || {
                let (plain, record) = keys.issue(KeyRequest::new()).unwrap().into_parts();
                for _ in 0..50 {
                    assert!(keys.verify(plain.expose()).unwrap().is_valid());
                }
                record.key_id
            })
        })
        .collect();
    for h in handles {
        let id = h.join().unwrap();
        assert!(store.get(&id).unwrap().is_some());
    }
}

#[test]
fn untagged_keys_are_shorter_and_still_verified_against_the_store() {
    let keys = KeyManager::builder("omk_test", ServerSecret::generate().unwrap())
        .tagged(false)
        .build()
        .unwrap();
    let (plain, record) = keys.issue(KeyRequest::new()).unwrap().into_parts();
    assert_eq!(plain.expose().len(), "omk_test_".len() + 48);
    assert!(!record.tagged);
    assert!(keys.verify(plain.expose()).unwrap().is_valid());
    assert!(matches!(
        KeyManager::builder("Bad", ServerSecret::generate().unwrap()).build(),
        Err(Error::InvalidPrefix { .. })
    ));
}

#[cfg(feature = "serde")]
#[test]
fn records_serialise_without_the_plaintext() {
    let (keys, _, _) = setup();
    let (plain, record) = keys
        .issue(KeyRequest::new().scopes(ScopeSet::parse("read:*").unwrap()))
        .unwrap()
        .into_parts();
    let json = serde_json::to_string(&record).unwrap();
    assert!(!json.contains(plain.expose()));
    assert!(json.contains(&record.hash.to_hex()));
    let back: key_format::KeyRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
    let bad = json.replace("read:*", "READ");
    assert!(serde_json::from_str::<key_format::KeyRecord>(&bad).is_err());
}

/// The example in the workspace README, kept compiling here.
#[test]
fn root_readme_example() -> Result<(), key_format::Error> {
    let keys = KeyManager::builder(
        "omk_live",
        ServerSecret::from_bytes(b"k3Jx9vQ2mP7wL0sR4tY8uZ1aB6cD5eF!")?,
    )
    .build()?;
    let (key, record) = keys
        .issue(KeyRequest::new().scopes(ScopeSet::parse("read:*")?))?
        .into_parts();
    assert!(keys.verify_scoped(key.expose(), "read:usage")?.is_valid());
    assert!(matches!(
        keys.verify_scoped(key.expose(), "write:budget")?,
        Verification::InsufficientScope
    ));
    assert!(keys.verify("omk_live_typo").is_err());
    keys.revoke(&record.key_id)?;
    assert!(matches!(keys.verify(key.expose())?, Verification::Revoked));
    Ok(())
}

#[test]
fn server_secret_rotation_with_a_previous_secret() {
    let old_secret = b"the old server secret, 32 bytes or more..";
    let new_secret = b"the new server secret, 32 bytes or more!!";
    let store = Arc::new(MemoryKeyStore::new());
    let before = KeyManager::builder("omk", ServerSecret::from_bytes(old_secret).unwrap())
        .store(store.clone())
        .build()
        .unwrap();
    let (old_key, old_record) = before.issue(KeyRequest::new()).unwrap().into_parts();

    // New secret alone: the old key's tag no longer verifies.
    let strict = KeyManager::builder("omk", ServerSecret::from_bytes(new_secret).unwrap())
        .store(store.clone())
        .build()
        .unwrap();
    assert!(matches!(
        strict.verify(old_key.expose()),
        Err(Error::BadTag)
    ));

    // New secret with the old one as previous: old keys verify, new keys use the new secret.
    let after = KeyManager::builder("omk", ServerSecret::from_bytes(new_secret).unwrap())
        .previous_secret(ServerSecret::from_bytes(old_secret).unwrap())
        .store(store.clone())
        .build()
        .unwrap();
    assert!(after.verify(old_key.expose()).unwrap().is_valid());
    let (rotated, _) = after
        .rotate(&old_record.key_id, Duration::ZERO)
        .unwrap()
        .into_parts();
    assert!(strict.verify(rotated.expose()).unwrap().is_valid());
    assert!(matches!(
        after.verify(old_key.expose()).unwrap(),
        Verification::Expired
    ));
    // The previous secret alone does not accept keys of the new one.
    assert!(matches!(
        before.verify(rotated.expose()),
        Err(Error::BadTag)
    ));
}

#[test]
fn an_expired_key_is_not_revived_by_rotation() {
    let (keys, _store, clock) = setup();
    let (old, record) = keys
        .issue(KeyRequest::new().expires_in(Duration::from_secs(3600)))
        .unwrap()
        .into_parts();
    clock.advance(Duration::from_secs(3600));
    assert!(matches!(
        keys.verify(old.expose()).unwrap(),
        Verification::Expired
    ));
    assert!(matches!(
        keys.rotate(&record.key_id, Duration::from_secs(60)),
        Err(Error::KeyExpired)
    ));

    // Nor is a key past the grace deadline of an earlier rotation.
    let (_, first) = keys.issue(KeyRequest::new()).unwrap().into_parts();
    keys.rotate(&first.key_id, Duration::from_secs(10)).unwrap();
    clock.advance(Duration::from_secs(10));
    assert!(matches!(
        keys.rotate(&first.key_id, Duration::from_secs(60)),
        Err(Error::KeyExpired)
    ));
}
