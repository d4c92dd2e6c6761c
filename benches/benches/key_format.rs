//! key-format vs `prefixed-api-key` (Seam-style keys): issue, reject a malformed key, and full
//! verification against an in-memory store.
//!
//! Run: `cargo bench -p rampart-benches --bench key_format -- --warm-up-time 1 --measurement-time 3`
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use key_format::{
    Error, KeyManager, KeyRecord, KeyRequest, KeyStore, MemoryKeyStore, ServerSecret,
};
use prefixed_api_key::{PrefixedApiKey, PrefixedApiKeyController};

const SECRET: &[u8] = b"benchmark server secret, 32 bytes or more";
const STORE_SIZE: usize = 10_000;

/// A store that keeps nothing, so the issue benchmark measures issuing, not a growing map.
struct NullStore;

impl KeyStore for NullStore {
    fn insert(&self, _: KeyRecord) -> Result<(), Error> {
        Ok(())
    }
    fn get(&self, _: &str) -> Result<Option<Arc<KeyRecord>>, Error> {
        Ok(None)
    }
    fn update(&self, _: &str, _: &mut dyn FnMut(&mut KeyRecord)) -> Result<bool, Error> {
        Ok(false)
    }
    fn list_for(&self, _: &str) -> Result<Vec<Arc<KeyRecord>>, Error> {
        Ok(Vec::new())
    }
}

fn typo(key: &str, at: usize) -> String {
    let mut s = key.to_owned();
    let c = if &s[at..at + 1] == "a" { "b" } else { "a" };
    s.replace_range(at..at + 1, c);
    s
}

fn bench(c: &mut Criterion) {
    // Ours: tagged keys, peppered hashes, MemoryKeyStore with STORE_SIZE keys.
    let ours = KeyManager::builder("omk_live", ServerSecret::from_bytes(SECRET).unwrap())
        .store(Arc::new(MemoryKeyStore::new()))
        .build()
        .unwrap();
    let mut our_keys = Vec::new();
    for _ in 0..STORE_SIZE {
        let (k, _) = ours.issue(KeyRequest::new()).unwrap().into_parts();
        our_keys.push(k);
    }
    let our_key = our_keys[STORE_SIZE / 2].expose().to_owned();
    let our_typo = typo(&our_key, 40);
    let issuer = KeyManager::builder("omk_live", ServerSecret::from_bytes(SECRET).unwrap())
        .store(Arc::new(NullStore))
        .build()
        .unwrap();

    // Peer: Seam defaults (OsRng, SHA-256), store = HashMap short token -> hash.
    let peer = PrefixedApiKeyController::configure()
        .prefix("omk".to_owned())
        .seam_defaults()
        .finalize()
        .unwrap();
    let mut peer_store: HashMap<String, String> = HashMap::new();
    let mut peer_keys = Vec::new();
    for _ in 0..STORE_SIZE {
        let (pak, hash) = peer.try_generate_key_and_hash().unwrap();
        peer_store.insert(pak.short_token().to_owned(), hash);
        peer_keys.push(pak.to_string());
    }
    let peer_key = peer_keys[STORE_SIZE / 2].clone();
    let peer_typo = typo(&peer_key, peer_key.len() - 5);
    let peer_verify = |s: &str| -> bool {
        let Ok(pak) = PrefixedApiKey::from_string(s) else {
            return false;
        };
        match peer_store.get(pak.short_token()) {
            Some(hash) => peer.check_hash(&pak, hash),
            None => false,
        }
    };
    assert!(peer_verify(&peer_key));
    assert!(!peer_verify(&peer_typo));
    assert!(ours.verify(&our_key).unwrap().is_valid());
    assert!(ours.verify(&our_typo).is_err());

    let mut g = c.benchmark_group("key_format/issue");
    g.bench_function("key-format", |b| {
        b.iter(|| black_box(issuer.issue(KeyRequest::new()).unwrap()));
    });
    g.bench_function("prefixed-api-key", |b| {
        b.iter(|| black_box(peer.try_generate_key_and_hash().unwrap()));
    });
    g.finish();

    let mut g = c.benchmark_group("key_format/reject_typo");
    g.bench_function("key-format", |b| {
        b.iter(|| black_box(ours.verify(black_box(&our_typo)).is_err()));
    });
    g.bench_function("prefixed-api-key", |b| {
        b.iter(|| black_box(peer_verify(black_box(&peer_typo))));
    });
    g.finish();

    let mut g = c.benchmark_group("key_format/reject_garbage");
    let garbage = "omk_live_this-is-not-a-key";
    g.bench_function("key-format", |b| {
        b.iter(|| black_box(ours.verify(black_box(garbage)).is_err()));
    });
    g.bench_function("prefixed-api-key", |b| {
        b.iter(|| black_box(peer_verify(black_box(garbage))));
    });
    g.finish();

    let mut g = c.benchmark_group("key_format/verify");
    g.bench_function("key-format", |b| {
        b.iter(|| black_box(ours.verify(black_box(&our_key)).unwrap().is_valid()));
    });
    g.bench_function("prefixed-api-key", |b| {
        b.iter(|| black_box(peer_verify(black_box(&peer_key))));
    });
    // The offline part alone (prefix, length, alphabet, CRC, tag): verification minus the store.
    g.bench_function("key-format parse+tag only", |b| {
        b.iter(|| black_box(ours.format().parse(black_box(&our_key)).is_ok()));
    });
    g.finish();
}

fn scan(c: &mut Criterion) {
    let keys = KeyManager::builder("omk_live", ServerSecret::from_bytes(SECRET).unwrap())
        .build()
        .unwrap();
    let (k, _) = keys.issue(KeyRequest::new()).unwrap().into_parts();
    // ~4 KiB of log lines with snake_case identifiers (many `_` candidates) and two keys.
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            "2026-11-23T10:00:{i:02}Z INFO request_id=req_{i:08} user_agent=curl/8 path=/v1/chat_completions status=200\n"
        ));
        if i % 20 == 7 {
            text.push_str(&format!(
                "WARN auth header Bearer {} rejected\n",
                k.expose()
            ));
        }
    }
    assert_eq!(key_format::find_keys(&text).count(), 2);
    let mut g = c.benchmark_group("key_format/find_keys");
    g.throughput(criterion::Throughput::Bytes(text.len() as u64));
    g.bench_function("4 KiB log, 2 keys", |b| {
        b.iter(|| black_box(key_format::find_keys(black_box(&text)).count()));
    });
    g.finish();
}

criterion_group!(benches, bench, scan);
criterion_main!(benches);
