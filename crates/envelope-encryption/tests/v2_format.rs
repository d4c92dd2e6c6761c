//! The v2 string and binary formats, checked against an independent reading of their
//! byte-for-byte description (module docs of `v2`): values are built and opened here with the
//! raw AES-256-GCM primitive, the `base64` crate and an AAD assembled by hand, so a change to
//! the crate's own base64url codec, AAD assembly or framing cannot silently change the format
//! (values already stored must keep decrypting).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use envelope_encryption::aead::Aes256Gcm;
use envelope_encryption::{Cipher, Context, Error, KeyRing, SecretKey};

const KEY: [u8; 32] = [0x42; 32];

fn spec_aad(id: u32, table: &str, column: &str, row: &str) -> Vec<u8> {
    let mut aad = b"rampart/enc/v2\0".to_vec();
    aad.extend_from_slice(&id.to_be_bytes());
    for part in [table, column, row] {
        aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        aad.extend_from_slice(part.as_bytes());
    }
    aad
}

fn primitive() -> Aes256Gcm {
    Aes256Gcm::new(&SecretKey::from_bytes(KEY))
}

fn spec_string(id: u32, nonce: [u8; 12], plaintext: &[u8], ctx: (&str, &str, &str)) -> String {
    let sealed = primitive()
        .seal(&nonce, &spec_aad(id, ctx.0, ctx.1, ctx.2), plaintext)
        .unwrap();
    let mut payload = nonce.to_vec();
    payload.extend_from_slice(&sealed);
    format!("enc:v2:k{id}:{}", URL_SAFE_NO_PAD.encode(payload))
}

fn spec_open_string(stored: &str, ctx: (&str, &str, &str)) -> Vec<u8> {
    let rest = stored.strip_prefix("enc:v2:k").unwrap();
    let (id, payload) = rest.split_once(':').unwrap();
    let id: u32 = id.parse().unwrap();
    let payload = URL_SAFE_NO_PAD.decode(payload).unwrap();
    let (nonce, sealed) = payload.split_at(12);
    primitive()
        .open(
            nonce.try_into().unwrap(),
            &spec_aad(id, ctx.0, ctx.1, ctx.2),
            sealed,
        )
        .unwrap()
}

fn cipher(id: u32) -> Cipher {
    Cipher::new(
        KeyRing::builder()
            .primary(id, SecretKey::from_bytes(KEY))
            .build()
            .unwrap(),
    )
}

fn contexts(long: &str) -> Vec<(&str, &str, &str)> {
    vec![
        ("", "", ""),
        ("providers", "api_key", "42"),
        ("t", "c", "550e8400-e29b-41d4-a716-446655440000"),
        // Longer than the crate's on-stack AAD buffer.
        ("knowledge_files", "content", long),
    ]
}

#[test]
fn known_answer_value() {
    // Computed outside Rust, with Python's `cryptography` (OpenSSL) AESGCM and the standard
    // library's base64 from the documented layout:
    //   aad = b"rampart/enc/v2\0" + u32be(3) + (u32be(len) + part) for each context part
    //   "enc:v2:k3:" + urlsafe_b64(nonce + AESGCM(key).encrypt(nonce, pt, aad)).rstrip("=")
    // with key = 0x42 * 32, nonce = 00..0b, pt = "sk-live-123".
    let stored = "enc:v2:k3:AAECAwQFBgcICQoLdrW8sdhalyasNHd-sOGZytl_14i7b0Jk6jG1";
    let ctx = ("providers", "api_key", "42");
    assert_eq!(
        spec_string(
            3,
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            b"sk-live-123",
            ctx
        ),
        stored
    );
    assert_eq!(
        cipher(3)
            .decrypt(stored, &Context::new(ctx.0, ctx.1, ctx.2))
            .unwrap(),
        "sk-live-123"
    );
}

#[test]
fn spec_values_decrypt_and_our_values_follow_the_spec() {
    let long = "r".repeat(300);
    for id in [1, 7, 1000, u32::MAX] {
        let c = cipher(id);
        for ctx in contexts(&long) {
            let context = Context::new(ctx.0, ctx.1, ctx.2);
            for len in (0..70).chain([255, 1000, 4096 + 5]) {
                let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 + id as usize) as u8).collect();
                let nonce = [len as u8; 12];
                let theirs = spec_string(id, nonce, &plaintext, ctx);
                assert_eq!(c.decrypt_bytes(&theirs, &context).unwrap(), plaintext);

                let ours = c.encrypt_bytes(&plaintext, &context).unwrap();
                assert_eq!(spec_open_string(&ours, ctx), plaintext);

                let binary = c.encrypt_to_binary(&plaintext, &context).unwrap();
                assert_eq!(binary[0], 0xE2);
                assert_eq!(binary[1..5], id.to_be_bytes());
                let nonce: [u8; 12] = binary[5..17].try_into().unwrap();
                assert_eq!(
                    primitive()
                        .open(&nonce, &spec_aad(id, ctx.0, ctx.1, ctx.2), &binary[17..])
                        .unwrap(),
                    plaintext
                );
                // The binary form is the same cryptographic object as the string form.
                let mut spec_binary = vec![0xE2];
                spec_binary.extend_from_slice(&id.to_be_bytes());
                spec_binary.extend_from_slice(
                    &URL_SAFE_NO_PAD
                        .decode(&theirs[theirs.rfind(':').unwrap() + 1..])
                        .unwrap(),
                );
                assert_eq!(c.decrypt_binary(&spec_binary, &context).unwrap(), plaintext);
            }
        }
    }
}

#[test]
fn context_parts_are_length_prefixed() {
    // Moving bytes between parts changes the AAD.
    let c = cipher(1);
    let stored = c.encrypt("x", &Context::new("ab", "c", "")).unwrap();
    assert_eq!(
        c.decrypt(&stored, &Context::new("a", "bc", "")),
        Err(Error::Decrypt)
    );
    assert_eq!(
        c.decrypt(&stored, &Context::new("ab", "", "c")),
        Err(Error::Decrypt)
    );
    assert_eq!(
        c.decrypt(&stored, &Context::new("ab", "c", "")).unwrap(),
        "x"
    );
}
