#![no_main]
//! Any text: detection, every mode, re-redaction, streaming and restore never panic; spans are
//! ordered, non-overlapping and on char boundaries. (Idempotence is a proptest property over
//! realistic text; adversarial glued digit soup can still change on a second pass.)

use libfuzzer_sys::fuzz_target;
use pii_redact::{HashKey, Mode, Redactor};
use std::sync::LazyLock;

static R: LazyLock<Redactor> = LazyLock::new(Redactor::new);
static M: LazyLock<Redactor> =
    LazyLock::new(|| Redactor::builder().mode(Mode::Mask).build().unwrap());
static H: LazyLock<Redactor> = LazyLock::new(|| {
    Redactor::builder()
        .mode(Mode::Hash)
        .hash_key(HashKey::new(b"fuzz-key-0123456789").unwrap())
        .build()
        .unwrap()
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut last = 0;
    for f in R.detect(text) {
        assert!(f.start >= last && f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        last = f.end;
    }
    let once = R.redact(text);
    let _ = R.redact(&once);
    let _ = M.redact(text);
    let _ = H.redact(text);
    let (rev, map) = R.redact_reversible(text);
    let _ = map.restore(&rev);
    // Streaming in 7-byte pieces (on char boundaries).
    let mut s = R.stream();
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        let mut j = (i + 7).min(text.len());
        while !text.is_char_boundary(j) {
            j += 1;
        }
        out.push_str(&s.push(&text[i..j]));
        i = j;
    }
    out.push_str(&s.finish());
    let _ = out;
});
