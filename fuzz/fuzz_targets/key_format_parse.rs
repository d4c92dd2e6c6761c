#![no_main]
//! Key parsing, the key scanner and full verification must refuse any input without panicking,
//! and whatever they accept must be well formed.

use std::sync::OnceLock;

use key_format::{KeyFormat, KeyManager, ServerSecret, find_keys};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    tagged: KeyFormat,
    untagged: KeyFormat,
    manager: KeyManager,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let secret = ServerSecret::from_bytes(b"fuzzing server secret, thirty-two bytes+").unwrap();
        Fixture {
            tagged: KeyFormat::signed("omk_live", &secret).unwrap(),
            untagged: KeyFormat::new("omk").unwrap(),
            manager: KeyManager::builder("omk_live", secret).build().unwrap(),
        }
    })
}

fuzz_target!(|data: &str| {
    let f = fixture();
    for format in [&f.tagged, &f.untagged] {
        if let Ok(parsed) = format.parse(data) {
            assert_eq!(data.len(), format.key_len());
            assert_eq!(parsed.key_id().len(), key_format::KEY_ID_LEN);
        }
    }
    let _ = f.manager.verify(data);
    let _ = f.manager.verify_scoped(data, "read:health");
    let mut last_end = 0;
    for found in find_keys(data) {
        assert!(found.start() >= last_end && found.start() < found.end());
        assert!(data.is_char_boundary(found.start()) && data.is_char_boundary(found.end()));
        assert!(found.as_str().contains('_'));
        last_end = found.end();
    }
    let _ = key_format::Prefix::new(data);
});
