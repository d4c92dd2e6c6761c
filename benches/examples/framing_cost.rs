//! A fixed loop of one operation, for load-independent instruction counts under callgrind:
//! our v2/v1 calls against raw `aes-gcm` calls on the same input.
//!
//! ```text
//! cargo build --release -p rampart-benches --example framing_cost
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/framing_cost <op> <size> <iterations>
//! ```
//!
//! Run each op with `iterations` N and 0 and divide the difference of the `Collected` totals by
//! N: that is instructions per call, setup excluded. `OPS` lists the operations.
//!
//! `framing_cost time <size> <rounds>` instead times all ops interleaved, round after round,
//! and prints medians and per-round ratios against the raw `aes-gcm` peers (a second timing
//! view, less sensitive to load drift than separate criterion groups).
//!
//! Three peers, all plain `aes-gcm` 0.11 `Aes256Gcm` calls on the same key and input:
//! - `raw_fixed_nonce`: the primitive alone (a fixed nonce; unsafe to use that way);
//! - `raw_getrandom_nonce` / `raw_decrypt`: plus a fresh `getrandom` nonce per message, no AAD;
//! - `raw_ctx_getrandom_nonce` / `raw_ctx_decrypt`: plus the same context bound as associated
//!   data the way a careful user of raw `aes-gcm` would, unambiguously, by length-prefixing each
//!   part: `u32be(len(table)) || table || u32be(len(column)) || column || u32be(len(row)) || row`,
//!   for `("providers", "api_key", "42")` the 30 bytes
//!   `00000009 "providers" 00000007 "api_key" 00000002 "42"`. The AAD is rebuilt from the
//!   context on every call, into a stack buffer (no allocation: the cheapest honest way).
//!   This peer separates the cost of binding a context from the cost of our framing (label,
//!   key id, header, key lookup).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::RefCell;
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm as RawGcm, Nonce};
use envelope_encryption::stream::{self, StreamEncryptor};
use envelope_encryption::{Cipher, Context, KeyRing, LocalKek, SecretKey, V1Cipher};
use rampart_benches::{ENVELOPE_CTX, envelope_context_aad};

const OPS: &[&str] = &[
    "raw_fixed_nonce",
    "raw_getrandom_nonce",
    "getrandom_only",
    "v2_binary_encrypt",
    "v2_encrypt",
    "v1_encrypt",
    "raw_ctx_getrandom_nonce",
    "raw_decrypt",
    "raw_ctx_decrypt",
    "v2_binary_decrypt",
    "v2_decrypt",
    "v1_decrypt",
    "stream_encrypt",
    "stream_decrypt",
];

struct Fixture {
    raw: RawGcm,
    cipher: Cipher,
    v1: V1Cipher,
    ctx: Context<'static>,
    data: Vec<u8>,
    text: String,
    nonce: Nonce<aes_gcm::aead::consts::U12>,
    raw_sealed: Vec<u8>,
    raw_ctx_sealed: Vec<u8>,
    binary: Vec<u8>,
    v2_text: String,
    v1_text: String,
    kek: LocalKek,
    stream_sealed: Vec<u8>,
    stream_out: RefCell<Vec<u8>>,
}

impl Fixture {
    fn new(size: usize) -> Self {
        let key = [7u8; 32];
        let raw = RawGcm::new(&key.into());
        let ring = KeyRing::builder()
            .primary(1, SecretKey::from_bytes(key))
            .build()
            .unwrap();
        let cipher = Cipher::new(ring);
        let v1 = V1Cipher::from_derived_key(&SecretKey::from_bytes(key));
        let ctx = Context::new(ENVELOPE_CTX.0, ENVELOPE_CTX.1, ENVELOPE_CTX.2);
        let data = vec![0x61u8; size];
        let text = String::from_utf8(data.clone()).unwrap();
        let nonce = Nonce::from([1u8; 12]);
        let raw_sealed = raw.encrypt(&nonce, data.as_slice()).unwrap();
        let mut aad = [0u8; 64];
        // The exact associated data of the context-binding peer (30 bytes).
        assert_eq!(
            envelope_context_aad(&mut aad, ENVELOPE_CTX.0, ENVELOPE_CTX.1, ENVELOPE_CTX.2),
            b"\0\0\0\x09providers\0\0\0\x07api_key\0\0\0\x0242"
        );
        let raw_ctx_sealed = raw
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
        let binary = cipher.encrypt_to_binary(&data, &ctx).unwrap();
        let v2_text = cipher.encrypt(&text, &ctx).unwrap();
        let v1_text = v1.encrypt(&text).unwrap();
        let kek = LocalKek::new("kek", &SecretKey::from_bytes(key)).unwrap();
        let mut stream_sealed = Vec::new();
        let mut enc = StreamEncryptor::new(&kek, &Context::NONE, &mut stream_sealed).unwrap();
        enc.write_all(&data).unwrap();
        enc.finish().unwrap();
        let stream_out = RefCell::new(Vec::with_capacity(stream_sealed.len()));
        Self {
            raw,
            cipher,
            v1,
            ctx,
            data,
            text,
            nonce,
            raw_sealed,
            raw_ctx_sealed,
            binary,
            v2_text,
            v1_text,
            kek,
            stream_sealed,
            stream_out,
        }
    }

    fn call(&self, op: &str) -> usize {
        let (raw, cipher, v1, ctx, nonce) =
            (&self.raw, &self.cipher, &self.v1, &self.ctx, &self.nonce);
        match op {
            "raw_fixed_nonce" => raw
                .encrypt(nonce, black_box(self.data.as_slice()))
                .unwrap()
                .len(),
            "raw_getrandom_nonce" => {
                let mut fresh = [0u8; 12];
                getrandom::fill(&mut fresh).unwrap();
                raw.encrypt(&Nonce::from(fresh), black_box(self.data.as_slice()))
                    .unwrap()
                    .len()
            }
            "raw_ctx_getrandom_nonce" => {
                let mut fresh = [0u8; 12];
                getrandom::fill(&mut fresh).unwrap();
                let (table, column, row) = black_box(ENVELOPE_CTX);
                let mut aad = [0u8; 64];
                let payload = Payload {
                    msg: black_box(self.data.as_slice()),
                    aad: envelope_context_aad(&mut aad, table, column, row),
                };
                raw.encrypt(&Nonce::from(fresh), payload).unwrap().len()
            }
            "raw_ctx_decrypt" => {
                let (table, column, row) = black_box(ENVELOPE_CTX);
                let mut aad = [0u8; 64];
                let payload = Payload {
                    msg: black_box(self.raw_ctx_sealed.as_slice()),
                    aad: envelope_context_aad(&mut aad, table, column, row),
                };
                raw.decrypt(nonce, payload).unwrap().len()
            }
            "getrandom_only" => {
                let mut fresh = [0u8; 12];
                getrandom::fill(&mut fresh).unwrap();
                usize::from(black_box(fresh)[0])
            }
            "v2_binary_encrypt" => cipher
                .encrypt_to_binary(black_box(&self.data), ctx)
                .unwrap()
                .len(),
            "v2_encrypt" => cipher.encrypt(black_box(&self.text), ctx).unwrap().len(),
            "v1_encrypt" => v1.encrypt(black_box(&self.text)).unwrap().len(),
            "raw_decrypt" => raw
                .decrypt(nonce, black_box(self.raw_sealed.as_slice()))
                .unwrap()
                .len(),
            "v2_binary_decrypt" => cipher
                .decrypt_binary(black_box(&self.binary), ctx)
                .unwrap()
                .len(),
            "v2_decrypt" => cipher.decrypt(black_box(&self.v2_text), ctx).unwrap().len(),
            "v1_decrypt" => v1
                .decrypt(black_box(&self.v1_text))
                .unwrap()
                .require_encrypted()
                .unwrap()
                .len(),
            // As in the criterion bench: 64 KiB chunks, 1 MiB writes, output buffer reused.
            "stream_encrypt" => {
                let mut out = self.stream_out.borrow_mut();
                out.clear();
                let mut enc = StreamEncryptor::new(&self.kek, &Context::NONE, &mut *out).unwrap();
                for piece in black_box(&self.data).chunks(1 << 20) {
                    enc.write_all(piece).unwrap();
                }
                enc.finish().unwrap();
                out.len()
            }
            "stream_decrypt" => {
                let mut out = self.stream_out.borrow_mut();
                out.clear();
                stream::decrypt(
                    &self.kek,
                    &Context::NONE,
                    black_box(&self.stream_sealed[..]),
                    &mut *out,
                )
                .unwrap();
                out.len()
            }
            other => panic!("unknown op {other}; ops: {OPS:?}"),
        }
    }
}

/// `time <size> <rounds>`: every round times each op over ~2 ms, the ops interleaved so that
/// load changes hit all of them alike; prints per-op medians and the median over rounds of
/// each op's time relative to its peer measured in the same round.
fn time_mode(size: usize, rounds: usize) {
    let fixture = Fixture::new(size);
    let ops: Vec<&str> = OPS
        .iter()
        .copied()
        .filter(|op| *op != "getrandom_only")
        .collect();
    let mut iters = Vec::new();
    for op in &ops {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed().as_micros() < 2000 {
            black_box(fixture.call(op));
            n += 1;
        }
        iters.push(n.max(1));
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); ops.len()];
    for _ in 0..rounds {
        for (i, op) in ops.iter().enumerate() {
            let start = Instant::now();
            for _ in 0..iters[i] {
                black_box(fixture.call(op));
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / iters[i] as f64);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let index = |name: &str| ops.iter().position(|op| *op == name).unwrap();
    // (peer, its index, whether it is an encryption peer)
    let peers = [
        ("raw_getrandom_nonce", index("raw_getrandom_nonce"), true),
        (
            "raw_ctx_getrandom_nonce",
            index("raw_ctx_getrandom_nonce"),
            true,
        ),
        ("raw_fixed_nonce", index("raw_fixed_nonce"), true),
        ("raw_decrypt", index("raw_decrypt"), false),
        ("raw_ctx_decrypt", index("raw_ctx_decrypt"), false),
    ];
    println!(
        "size {size} B, {rounds} rounds; median ns/op; median per-round share of the peer's throughput (peer time / our time)"
    );
    for (i, op) in ops.iter().enumerate() {
        let encrypting = !op.contains("decrypt");
        // The stream ops are compared with the one-call peers over the same buffer.
        let mut shares = String::new();
        for (peer, p, encrypt_peer) in peers {
            if encrypting == encrypt_peer {
                let mut ratios: Vec<f64> = samples[p]
                    .iter()
                    .zip(&samples[i])
                    .map(|(p, o)| p / o)
                    .collect();
                shares.push_str(&format!("  vs {peer}: {:.0}%", 100.0 * median(&mut ratios)));
            }
        }
        let mut own = samples[i].clone();
        println!("{op:<22} {:>12.1} ns{shares}", median(&mut own));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "time" {
        time_mode(
            args[2].parse().expect("size"),
            args[3].parse().expect("rounds"),
        );
        return;
    }
    if args.len() != 4 {
        eprintln!(
            "usage: framing_cost <op> <size> <iterations> | framing_cost time <size> <rounds>; ops: {OPS:?}"
        );
        std::process::exit(2);
    }
    let op = args[1].as_str();
    let size: usize = args[2].parse().expect("size");
    let n: usize = args[3].parse().expect("iterations");
    let fixture = Fixture::new(size);
    let mut sink = 0usize;
    for _ in 0..n {
        sink ^= fixture.call(op);
    }
    println!("{sink}");
}
