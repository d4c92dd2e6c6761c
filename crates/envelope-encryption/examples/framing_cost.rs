//! A fixed loop of one operation, for load-independent instruction counts under callgrind:
//! our v2/v1 calls against raw `aes-gcm` calls on the same input.
//!
//! ```text
//! cargo build --release -p envelope-encryption --example framing_cost
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/framing_cost <op> <size> <iterations>
//! ```
//!
//! Run each op with `iterations` N and 0 and divide the difference of the `Collected` totals by
//! N: that is instructions per call, setup excluded. `ops` lists the operations.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm as RawGcm, Nonce};
use envelope_encryption::{Cipher, Context, KeyRing, SecretKey, V1Cipher};

const OPS: &[&str] = &[
    "raw_fixed_nonce",
    "raw_getrandom_nonce",
    "getrandom_only",
    "v2_binary_encrypt",
    "v2_encrypt",
    "v1_encrypt",
    "raw_decrypt",
    "v2_binary_decrypt",
    "v2_decrypt",
    "v1_decrypt",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: framing_cost <op> <size> <iterations>; ops: {OPS:?}");
        std::process::exit(2);
    }
    let op = args[1].as_str();
    let size: usize = args[2].parse().expect("size");
    let n: usize = args[3].parse().expect("iterations");

    let key = [7u8; 32];
    let raw = RawGcm::new(&key.into());
    let ring = KeyRing::builder()
        .primary(1, SecretKey::from_bytes(key))
        .build()
        .unwrap();
    let cipher = Cipher::new(ring);
    let v1 = V1Cipher::from_derived_key(&SecretKey::from_bytes(key));
    let ctx = Context::new("providers", "api_key", "42");
    let data = vec![0x61u8; size];
    let text = String::from_utf8(data.clone()).unwrap();
    let nonce = Nonce::from([1u8; 12]);
    let raw_sealed = raw.encrypt(&nonce, data.as_slice()).unwrap();
    let binary = cipher.encrypt_to_binary(&data, &ctx).unwrap();
    let v2_text = cipher.encrypt(&text, &ctx).unwrap();
    let v1_text = v1.encrypt(&text).unwrap();

    let mut sink = 0usize;
    for _ in 0..n {
        sink ^= match op {
            "raw_fixed_nonce" => raw
                .encrypt(&nonce, black_box(data.as_slice()))
                .unwrap()
                .len(),
            "raw_getrandom_nonce" => {
                let mut fresh = [0u8; 12];
                getrandom::fill(&mut fresh).unwrap();
                raw.encrypt(&Nonce::from(fresh), black_box(data.as_slice()))
                    .unwrap()
                    .len()
            }
            "getrandom_only" => {
                let mut fresh = [0u8; 12];
                getrandom::fill(&mut fresh).unwrap();
                usize::from(black_box(fresh)[0])
            }
            "v2_binary_encrypt" => cipher
                .encrypt_to_binary(black_box(&data), &ctx)
                .unwrap()
                .len(),
            "v2_encrypt" => cipher.encrypt(black_box(&text), &ctx).unwrap().len(),
            "v1_encrypt" => v1.encrypt(black_box(&text)).unwrap().len(),
            "raw_decrypt" => raw
                .decrypt(&nonce, black_box(raw_sealed.as_slice()))
                .unwrap()
                .len(),
            "v2_binary_decrypt" => cipher
                .decrypt_binary(black_box(&binary), &ctx)
                .unwrap()
                .len(),
            "v2_decrypt" => cipher.decrypt(black_box(&v2_text), &ctx).unwrap().len(),
            "v1_decrypt" => v1
                .decrypt(black_box(&v1_text))
                .unwrap()
                .require_encrypted()
                .unwrap()
                .len(),
            other => panic!("unknown op {other}; ops: {OPS:?}"),
        };
    }
    println!("{sink}");
}
