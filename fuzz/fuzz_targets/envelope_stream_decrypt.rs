#![no_main]
//! Stream decryption (and envelope records) must refuse any byte string without panicking or
//! allocating more than one chunk.

use envelope_encryption::stream;
use envelope_encryption::{Context, LocalKek, SecretKey, envelope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let kek = LocalKek::new("kek", &SecretKey::from_bytes([3; 32])).unwrap();
    let mut out = Vec::new();
    assert!(stream::decrypt(&kek, &Context::NONE, data, &mut out).is_err());
    assert!(envelope::open(&kek, data, &Context::NONE).is_err());
    let _ = envelope::kek_id(data);
});
