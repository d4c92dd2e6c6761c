#![no_main]
//! The v2 decoder (and rewrap, key-id lookup) must refuse any string it did not write, without
//! panicking.

use envelope_encryption::{Cipher, Context, KeyRing, SecretKey, v2};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let ring = KeyRing::builder()
        .primary(2, SecretKey::from_bytes([2; 32]))
        .older(1, SecretKey::from_bytes([1; 32]))
        .build()
        .unwrap();
    let cipher = Cipher::new(ring);
    let ctx = Context::new("t", "c", "1");
    // Random input cannot carry a valid GCM tag.
    assert!(cipher.decrypt(data, &ctx).is_err());
    assert!(cipher.rewrap(data, &ctx).is_err());
    let _ = v2::key_id(data);
    let _ = cipher.needs_rewrap(data);
    let _ = cipher.decrypt_or_passthrough(data, &ctx);
});
