//! envelope-encryption against raw `aes-gcm` calls in the same run.
//!
//! Peers: the primitive with a fixed nonce (unsafe to use that way); with a fresh `getrandom`
//! nonce per message (what correct use costs); and with that nonce plus the same context bound
//! as associated data the way a careful user of raw `aes-gcm` would: each part length-prefixed,
//! `u32be(len) || bytes` for table, column and row, rebuilt per call in a stack buffer (for
//! `("providers", "api_key", "42")` the 30 bytes `00000009 "providers" 00000007 "api_key"
//! 00000002 "42"`). The last one separates the cost of binding a context from our framing.
//!
//! `cargo bench -p rampart-benches --bench envelope_encryption -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::Write;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm as RawGcm, Nonce};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use envelope_encryption::stream::StreamEncryptor;
use envelope_encryption::{Cipher, Context, KeyRing, LocalKek, SecretKey, V1Cipher};
use rampart_benches::{ENVELOPE_CTX, envelope_context_aad};

const SIZES: [(usize, &str); 3] = [(64, "64B"), (1024, "1KiB"), (1 << 20, "1MiB")];

fn seal(c: &mut Criterion) {
    let key = [7u8; 32];
    let raw = RawGcm::new(&key.into());
    let ring = KeyRing::builder()
        .primary(1, SecretKey::from_bytes(key))
        .build()
        .unwrap();
    let cipher = Cipher::new(ring);
    let v1 = V1Cipher::from_derived_key(&SecretKey::from_bytes(key));
    let ctx = Context::new(ENVELOPE_CTX.0, ENVELOPE_CTX.1, ENVELOPE_CTX.2);

    let mut group = c.benchmark_group("envelope_encryption/encrypt");
    for (size, label) in SIZES {
        let data = vec![0x61u8; size];
        let text = String::from_utf8(data.clone()).unwrap();
        group.throughput(Throughput::Bytes(size as u64));
        // Peer: one aes-gcm call, caller-chosen nonce, binary output.
        group.bench_with_input(BenchmarkId::new("raw_aes_gcm", label), &data, |b, d| {
            let nonce = Nonce::from([1u8; 12]);
            b.iter(|| raw.encrypt(&nonce, black_box(d.as_slice())).unwrap());
        });
        // Peer as a correct caller must use it: a fresh OS-random nonce per message.
        group.bench_with_input(
            BenchmarkId::new("raw_aes_gcm_getrandom_nonce", label),
            &data,
            |b, d| {
                b.iter(|| {
                    let mut n = [0u8; 12];
                    getrandom::fill(&mut n).unwrap();
                    raw.encrypt(&Nonce::from(n), black_box(d.as_slice()))
                        .unwrap()
                });
            },
        );
        // Peer as a careful caller binding the same context: getrandom nonce + context AAD.
        group.bench_with_input(
            BenchmarkId::new("raw_aes_gcm_getrandom_nonce_ctx_aad", label),
            &data,
            |b, d| {
                b.iter(|| {
                    let mut n = [0u8; 12];
                    getrandom::fill(&mut n).unwrap();
                    let (table, column, row) = black_box(ENVELOPE_CTX);
                    let mut aad = [0u8; 64];
                    let payload = Payload {
                        msg: black_box(d.as_slice()),
                        aad: envelope_context_aad(&mut aad, table, column, row),
                    };
                    raw.encrypt(&Nonce::from(n), payload).unwrap()
                });
            },
        );
        // Ours, binary form: getrandom nonce, key id, context AAD, 33 bytes of framing.
        group.bench_with_input(
            BenchmarkId::new("v2_binary_encrypt", label),
            &data,
            |b, d| {
                b.iter(|| cipher.encrypt_to_binary(black_box(d), &ctx).unwrap());
            },
        );
        // Ours: random nonce from getrandom, key id, context AAD, base64url string.
        group.bench_with_input(BenchmarkId::new("v2_encrypt", label), &text, |b, t| {
            b.iter(|| cipher.encrypt(black_box(t), &ctx).unwrap());
        });
        group.bench_with_input(BenchmarkId::new("v1_encrypt", label), &text, |b, t| {
            b.iter(|| v1.encrypt(black_box(t)).unwrap());
        });
    }
    group.finish();

    let mut group = c.benchmark_group("envelope_encryption/decrypt");
    for (size, label) in SIZES {
        let data = vec![0x61u8; size];
        let text = String::from_utf8(data.clone()).unwrap();
        group.throughput(Throughput::Bytes(size as u64));
        let nonce = Nonce::from([1u8; 12]);
        let sealed = raw.encrypt(&nonce, data.as_slice()).unwrap();
        group.bench_with_input(BenchmarkId::new("raw_aes_gcm", label), &sealed, |b, s| {
            b.iter(|| raw.decrypt(&nonce, black_box(s.as_slice())).unwrap());
        });
        let mut aad = [0u8; 64];
        let ctx_sealed = raw
            .encrypt(
                &nonce,
                Payload {
                    msg: &data,
                    aad: envelope_context_aad(
                        &mut aad,
                        ENVELOPE_CTX.0,
                        ENVELOPE_CTX.1,
                        ENVELOPE_CTX.2,
                    ),
                },
            )
            .unwrap();
        group.bench_with_input(
            BenchmarkId::new("raw_aes_gcm_ctx_aad", label),
            &ctx_sealed,
            |b, s| {
                b.iter(|| {
                    let (table, column, row) = black_box(ENVELOPE_CTX);
                    let mut aad = [0u8; 64];
                    let payload = Payload {
                        msg: black_box(s.as_slice()),
                        aad: envelope_context_aad(&mut aad, table, column, row),
                    };
                    raw.decrypt(&nonce, payload).unwrap()
                });
            },
        );
        let binary = cipher.encrypt_to_binary(&data, &ctx).unwrap();
        group.bench_with_input(
            BenchmarkId::new("v2_binary_decrypt", label),
            &binary,
            |b, s| {
                b.iter(|| cipher.decrypt_binary(black_box(s), &ctx).unwrap());
            },
        );
        let stored = cipher.encrypt(&text, &ctx).unwrap();
        group.bench_with_input(BenchmarkId::new("v2_decrypt", label), &stored, |b, s| {
            b.iter(|| cipher.decrypt(black_box(s), &ctx).unwrap());
        });
        let stored = v1.encrypt(&text).unwrap();
        group.bench_with_input(BenchmarkId::new("v1_decrypt", label), &stored, |b, s| {
            b.iter(|| v1.decrypt(black_box(s)).unwrap());
        });
    }
    group.finish();
}

fn streaming(c: &mut Criterion) {
    let key = [9u8; 32];
    let raw = RawGcm::new(&key.into());
    let kek = LocalKek::new("kek", &SecretKey::from_bytes(key)).unwrap();
    let size = 8 << 20;
    let data = vec![0x5au8; size];
    let mut group = c.benchmark_group("envelope_encryption/stream_8MiB");
    group.throughput(Throughput::Bytes(size as u64));
    group.sample_size(20);
    group.bench_function("raw_aes_gcm_one_call", |b| {
        let nonce = Nonce::from([1u8; 12]);
        b.iter(|| raw.encrypt(&nonce, black_box(data.as_slice())).unwrap());
    });
    group.bench_function("stream_encrypt_64KiB_chunks_1MiB_writes", |b| {
        let mut out = Vec::with_capacity(size + size / 1000 + 1024);
        b.iter(|| {
            out.clear();
            let mut enc = StreamEncryptor::new(&kek, &Context::NONE, &mut out).unwrap();
            for piece in data.chunks(1 << 20) {
                enc.write_all(black_box(piece)).unwrap();
            }
            enc.finish().unwrap();
        });
    });
    let mut sealed = Vec::new();
    let mut enc = StreamEncryptor::new(&kek, &Context::NONE, &mut sealed).unwrap();
    enc.write_all(&data).unwrap();
    enc.finish().unwrap();
    group.bench_function("stream_decrypt_64KiB_chunks", |b| {
        let mut out = Vec::with_capacity(size);
        b.iter(|| {
            out.clear();
            envelope_encryption::stream::decrypt(
                &kek,
                &Context::NONE,
                black_box(&sealed[..]),
                &mut out,
            )
            .unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, seal, streaming);
criterion_main!(benches);
