#![no_main]
//! The OmniRoute v1 decoder must accept or refuse any string without panicking, and never
//! report a decryption for input it did not authenticate.

use envelope_encryption::{Decrypted, SecretKey, V1Cipher};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let cipher = V1Cipher::from_derived_key(&SecretKey::from_bytes([7; 32]));
    if let Ok(Decrypted::WasPlaintext(s)) = cipher.decrypt(data) {
        assert!(!data.starts_with("enc:v1:"));
        assert_eq!(s, data);
    }
    let _ = cipher.decrypt_bytes(data);
    let _ = cipher.migrate(data);
});
