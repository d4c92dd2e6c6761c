//! Shared vectors: OmniRoute's API keys (both crc rules, edge cases) and GitHub-format checksums.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use serde_json::Value;

fn load(rel: &str) -> Option<Value> {
    let path = format!(
        "{}/../../../shared/vectors/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).unwrap()),
        Err(_) => {
            println!("skipped: ../shared not found");
            None
        }
    }
}

#[cfg(feature = "omniroute")]
#[test]
fn omniroute_api_keys() {
    use key_format::{Error, OmniRouteRule, omniroute_key_hash, verify_omniroute_key};

    let Some(v) = load("omniroute/api_keys.json") else {
        return;
    };
    let s1 = v["secrets"]["S1"].as_str().unwrap();
    let s2 = v["secrets"]["S2"].as_str().unwrap();
    let other = |s: &str| if s == s1 { s2 } else { s1 };

    let generated = v["generated"].as_array().unwrap();
    assert_eq!(generated.len(), 24);
    for g in generated {
        let key = g["key"].as_str().unwrap();
        let secret = g["api_key_secret"].as_str().unwrap();
        let parts = verify_omniroute_key(key, secret.as_bytes(), OmniRouteRule::Pbkdf2)
            .unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!(parts.machine_id, g["machine_id"].as_str().unwrap());
        assert_eq!(parts.key_id, g["key_id"].as_str().unwrap());
        assert!(g["parse_same_secret"].is_object());
        // Fails under the other secret, and under the legacy rule (as OmniRoute says).
        assert!(g["parse_other_secret"].is_null());
        assert!(matches!(
            verify_omniroute_key(key, other(secret).as_bytes(), OmniRouteRule::Pbkdf2),
            Err(Error::BadChecksum)
        ));
        assert!(g["legacy_hmac_parse_same_secret"].is_null());
        assert!(verify_omniroute_key(key, secret.as_bytes(), OmniRouteRule::LegacyHmac).is_err());
        let hex: String = omniroute_key_hash(key)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, g["key_hash_sha256_hex"].as_str().unwrap());
    }

    let legacy = v["legacy_hmac_generated"].as_array().unwrap();
    assert_eq!(legacy.len(), 8);
    for g in legacy {
        let key = g["key"].as_str().unwrap();
        let secret = g["api_key_secret"].as_str().unwrap();
        let parts =
            verify_omniroute_key(key, secret.as_bytes(), OmniRouteRule::LegacyHmac).unwrap();
        assert_eq!(parts.key_id, g["key_id"].as_str().unwrap());
        assert!(
            verify_omniroute_key(key, other(secret).as_bytes(), OmniRouteRule::LegacyHmac).is_err()
        );
        assert!(g["current_pbkdf2_parse_same_secret"].is_null());
        assert!(verify_omniroute_key(key, secret.as_bytes(), OmniRouteRule::Pbkdf2).is_err());
    }

    let edges = v["edge_cases"].as_array().unwrap();
    assert_eq!(edges.len(), 21);
    for e in edges {
        let id = e["id"].as_str().unwrap();
        let key = e["key"].as_str().unwrap();
        let secret = e["api_key_secret"].as_str().unwrap().as_bytes();
        let ours = [OmniRouteRule::Pbkdf2, OmniRouteRule::LegacyHmac]
            .map(|rule| verify_omniroute_key(key, secret, rule));
        if id == "valid_control" {
            assert!(ours[0].is_ok(), "{id}");
            assert!(e["parse_result"].is_object());
        } else {
            // Every edge case is rejected under both rules, including the ones OmniRoute accepts
            // (`old_format_*`, `prefix_only`, `concat_ambiguity_shift`).
            for r in &ours {
                assert!(r.is_err(), "{id} accepted");
            }
        }
    }
}

#[test]
fn github_token_checksums() {
    let Some(v) = load("github-token-format/github_token_checksum_examples.json") else {
        return;
    };
    assert_eq!(
        v["alphabet"].as_str().unwrap(),
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    );
    let tokens = v["tokens"].as_array().unwrap();
    assert!(!tokens.is_empty());
    for t in tokens {
        let token = t["token"].as_str().unwrap();
        let body = &token[4..token.len() - 6];
        let embedded = &token[token.len() - 6..];
        let computed = key_format::crc32_base62(body.as_bytes());
        let computed = std::str::from_utf8(&computed).unwrap();
        assert_eq!(
            computed,
            t["computed_checksum"].as_str().unwrap(),
            "{token}"
        );
        assert_eq!(embedded, t["embedded_checksum"].as_str().unwrap());
        assert_eq!(
            computed == embedded,
            t["expect_checksum_valid"].as_bool().unwrap(),
            "{token}"
        );
        let well_formed = token.len() == 40 && token.as_bytes()[3] == b'_' && computed == embedded;
        assert_eq!(
            token.len() == 40 && token.starts_with("gh") && token.as_bytes()[3] == b'_',
            t["expect_well_formed"].as_bool().unwrap(),
            "{token}"
        );
        // find_keys only finds this crate's layout (checksum over prefix and body, 48/59-char
        // body), so GitHub tokens are never reported as ours.
        assert_eq!(key_format::find_keys(token).count(), 0, "{token}");
        let _ = well_formed;
    }
}

#[test]
fn omniroute_secrets_validator() {
    use key_format::{SecretProblem, SecretPurpose, check_secret};

    let Some(v) = load("omniroute/secrets_validator.json") else {
        return;
    };
    // Where this crate is stricter than OmniRoute (its value passes there, is refused here):
    // 32 × 'a' (one repeated character) and `passwordpassword` (a placeholder, repeated); and
    // every case whose API_KEY_SECRET is `0123456789abcdef` (an alphabet run), checked below.
    let stricter = [
        ("jwt_32", "JWT_SECRET"),
        ("weak_padded_password", "API_KEY_SECRET"),
    ];
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let env = case["env"].as_object().unwrap();
        let result = &case["result"];
        let flagged = |name: &str| {
            ["errors", "warnings"].iter().any(|k| {
                result[*k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["name"] == name)
            })
        };
        let mut names: Vec<String> = env.keys().cloned().collect();
        names.push("API_KEY_SECRET".to_owned()); // OmniRoute requires it
        names.sort();
        names.dedup();
        for name in names {
            let purpose = match name.as_str() {
                "API_KEY_SECRET" => SecretPurpose::ApiKeySecret,
                "JWT_SECRET" => SecretPurpose::Jwt,
                // OmniRoute's validator ignores it; it is not a secret rule under test here.
                _ => continue,
            };
            let value = env.get(&name).and_then(|v| v.as_str());
            let ours = check_secret(&name, value, purpose);
            let alphabet_run = value == Some("0123456789abcdef");
            let expect_err = flagged(&name) || stricter.contains(&(id, name.as_str()));
            assert_eq!(
                ours.is_err(),
                expect_err || alphabet_run,
                "{id}/{name}: ours {ours:?}"
            );
            // Missing stays missing; a short value is reported as short, as in OmniRoute.
            if value.is_none_or(|v| v.trim().is_empty()) {
                assert!(matches!(
                    ours,
                    Err(key_format::Error::WeakSecret {
                        problem: SecretProblem::Missing,
                        ..
                    })
                ));
            } else if let Some(issue) = result["errors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == name.as_str())
                .and_then(|e| e["issue"].as_str())
                && issue.contains("too short")
            {
                assert!(
                    matches!(
                        ours,
                        Err(key_format::Error::WeakSecret {
                            problem: SecretProblem::TooShort { .. },
                            ..
                        })
                    ),
                    "{id}/{name}"
                );
            }
        }
    }
}
