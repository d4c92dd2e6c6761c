#![no_main]
//! The guard must scan any text without panicking, report spans on character boundaries of the
//! input, stay within its decoding bounds, and redact to valid text, under the user's and the
//! untrusted policy.

use std::sync::OnceLock;

use injection_detect::{DecodeLimits, Guard, Mode, Source};
use libfuzzer_sys::fuzz_target;

fn guard() -> &'static Guard {
    static G: OnceLock<Guard> = OnceLock::new();
    G.get_or_init(|| {
        Guard::builder()
            .mode(Mode::Redact)
            .decode_limits(DecodeLimits { max_depth: 3, max_decoded_bytes: 4096, min_encoded_len: 16 })
            .build()
            .unwrap_or_else(|e| panic!("guard: {e}"))
    })
}

fuzz_target!(|data: &str| {
    let v = guard().scan(data);
    for m in v.matches() {
        let r = m.span();
        assert!(r.start <= r.end && r.end <= data.len());
        assert!(data.is_char_boundary(r.start) && data.is_char_boundary(r.end));
    }
    let s = v.decode_stats();
    assert!(s.decoded_bytes <= 4096 && s.max_depth_reached <= 3);
    assert!((0.0..=1.0).contains(&v.score()));
    // The untrusted policy has its own paths (tool actions aimed at a destination).
    let d = guard().scan_from(data, Source::Document);
    for m in d.matches() {
        let r = m.span();
        assert!(data.is_char_boundary(r.start) && data.is_char_boundary(r.end));
    }
    assert!((0.0..=1.0).contains(&d.score()));
    let _ = injection_detect::spotlight(data, "fuzz").map(|s| s.text().len());
});
