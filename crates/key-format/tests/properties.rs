//! Property tests: round trips, "every single-character mutation is rejected", and no panics on
//! arbitrary input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::OnceLock;

use key_format::{
    CsrfTokens, KeyFormat, KeyManager, KeyRequest, ScopeSet, ServerSecret, find_keys,
    validate_scope_pattern,
};
use proptest::prelude::*;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn secret() -> ServerSecret {
    ServerSecret::from_bytes(b"property tests server secret, 32 bytes+").unwrap()
}

fn prefix_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z][a-z0-9]{1,6}", 1..=3).prop_map(|segs| segs.join("_"))
}

fn issue(prefix: &str, tagged: bool) -> (KeyManager, String) {
    let keys = KeyManager::builder(prefix, secret())
        .tagged(tagged)
        .build()
        .unwrap();
    let (plain, _) = keys.issue(KeyRequest::new()).unwrap().into_parts();
    let text = plain.expose().to_owned();
    (keys, text)
}

/// Every substitution (by any base62 character or a few others), deletion and adjacent
/// transposition of `key` that changes it.
fn mutations(key: &str) -> Vec<String> {
    let b = key.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len() {
        for &c in BASE62.iter().chain(b"_-. \0") {
            if c != b[i] {
                let mut m = b.to_vec();
                m[i] = c;
                out.push(String::from_utf8(m).unwrap());
            }
        }
        let mut d = b.to_vec();
        d.remove(i);
        out.push(String::from_utf8(d).unwrap());
        if i + 1 < b.len() && b[i] != b[i + 1] {
            let mut t = b.to_vec();
            t.swap(i, i + 1);
            out.push(String::from_utf8(t).unwrap());
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn issue_parse_round_trip(prefix in prefix_strategy(), tagged in any::<bool>()) {
        let (keys, key) = issue(&prefix, tagged);
        let parsed = keys.format().parse(&key).unwrap();
        prop_assert_eq!(parsed.prefix(), prefix.as_str());
        prop_assert_eq!(parsed.is_tagged(), tagged);
        prop_assert_eq!(key.len(), keys.format().key_len());
        prop_assert!(keys.verify(&key).unwrap().is_valid());
        let found: Vec<_> = find_keys(&key).collect();
        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(found[0].as_str(), key.as_str());
    }

    #[test]
    fn every_single_character_mutation_is_rejected(prefix in prefix_strategy(), tagged in any::<bool>()) {
        let (keys, key) = issue(&prefix, tagged);
        for m in mutations(&key) {
            prop_assert!(keys.format().parse(&m).is_err(), "accepted mutation {}", m);
            // The scanner never reports a mutated key as a whole key either.
            prop_assert!(find_keys(&m).all(|f| f.as_str() != m), "found mutation {}", m);
        }
    }

    #[test]
    fn found_keys_in_noise(
        before in "[ -~\\PC]{0,40}",
        after in "[ -~\\PC]{0,40}",
    ) {
        static KEY: OnceLock<String> = OnceLock::new();
        let key = KEY.get_or_init(|| issue("omk_live", true).1);
        let text = format!("{before} {key}\n{after}");
        let found: Vec<_> = find_keys(&text).collect();
        prop_assert!(found.iter().any(|f| f.as_str() == key.as_str()));
        for f in &found {
            prop_assert!(text.is_char_boundary(f.start()) && text.is_char_boundary(f.end()));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", raw in prop::collection::vec(any::<u8>(), 0..120)) {
        let format = KeyFormat::signed("omk", &secret()).unwrap();
        let _ = format.parse(&text);
        let lossy = String::from_utf8_lossy(&raw);
        let _ = format.parse(&lossy);
        for f in find_keys(&text).chain(find_keys(&lossy)) {
            prop_assert!(f.start() < f.end());
        }
        let _ = ScopeSet::parse(&text);
        let _ = validate_scope_pattern(&lossy);
        let csrf = CsrfTokens::new(&secret());
        prop_assert!(!csrf.verify(&text, "s"));
    }

    #[test]
    fn scope_sets_round_trip(patterns in prop::collection::vec("(\\*|[a-z]{1,8}):([a-z0-9_-][a-z0-9_.-]{0,9}\\*?|\\*)", 1..10)) {
        let joined = patterns.join(",");
        let set = ScopeSet::parse(&joined).unwrap();
        let again = ScopeSet::parse(&set.iter().collect::<Vec<_>>().join(",")).unwrap();
        prop_assert_eq!(&set, &again);
        for p in &patterns {
            if !p.contains('*') {
                prop_assert!(set.allows(p));
            }
        }
    }
}

#[test]
fn csrf_every_substitution_is_rejected() {
    let csrf = CsrfTokens::new(&secret());
    let t = csrf.issue("session").unwrap();
    for m in mutations(t.expose()) {
        assert!(!csrf.verify(&m, "session"), "{m}");
    }
}
