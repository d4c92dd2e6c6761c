//! RFC 7914 scrypt vectors through `envelope_encryption::ScryptParams`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use envelope_encryption::ScryptParams;
use serde_json::Value;

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/vectors/scrypt/rfc7914_test_vectors.json"
);

fn run(slow: bool) {
    let Ok(text) = std::fs::read_to_string(VECTORS) else {
        println!("skipped: ../shared not found");
        return;
    };
    let v: Value = serde_json::from_str(&text).unwrap();
    let mut ran = 0;
    for t in v["scrypt"].as_array().unwrap() {
        if t["slow"].as_bool().unwrap() != slow {
            continue;
        }
        let log_n = u8::try_from(t["log_n"].as_u64().unwrap()).unwrap();
        let r = u32::try_from(t["r"].as_u64().unwrap()).unwrap();
        let p = u32::try_from(t["p"].as_u64().unwrap()).unwrap();
        let expected = hex::decode(t["dk"].as_str().unwrap()).unwrap();
        let params = ScryptParams::new(log_n, r, p).unwrap();
        let mut out = vec![0u8; usize::try_from(t["dkLen"].as_u64().unwrap()).unwrap()];
        params
            .derive_into(
                t["password"].as_str().unwrap().as_bytes(),
                t["salt"].as_str().unwrap().as_bytes(),
                &mut out,
            )
            .unwrap();
        assert_eq!(out, expected, "N=2^{log_n} r={r} p={p}");
        ran += 1;
    }
    assert!(ran >= 1);
}

#[test]
fn rfc7914_scrypt_vectors() {
    run(false);
}

/// Vector 4 (N = 2^20, 1 GiB of memory). Run with
/// `cargo test -p envelope-encryption --release --test scrypt_rfc7914 -- --ignored`.
#[test]
#[ignore = "needs 1 GiB of memory and several seconds"]
fn rfc7914_scrypt_vector_4_one_gib() {
    run(true);
}
