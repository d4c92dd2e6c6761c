//! Short-lived tokens through the public API: sign-in tokens, signed links, upload tokens, CSRF.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;
use std::time::Duration;

use key_format::{
    CsrfTokens, Error, ManualClock, MemoryUsedTokens, ServerSecret, SignInTokens, Timestamp,
    TokenCheck, UrlSigner,
};

fn secret() -> ServerSecret {
    ServerSecret::from_bytes(b"token tests server secret, long enough!").unwrap()
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Timestamp::from_unix_secs(1_800_000_000)))
}

#[test]
fn sign_in_tokens_are_single_use_subject_bound_and_expire() {
    let c = clock();
    let tokens = SignInTokens::new(&secret()).with_clock(c.clone());
    let used = MemoryUsedTokens::new();
    let t = tokens.issue("alice@example.com").unwrap();
    assert_eq!(format!("{t:?}"), "Token([redacted])");
    assert_eq!(
        tokens.redeem(t.expose(), "bob@example.com", &used).unwrap(),
        TokenCheck::BadSignature
    );
    c.advance(Duration::from_secs(14 * 60 + 59));
    assert_eq!(
        tokens
            .redeem(t.expose(), "alice@example.com", &used)
            .unwrap(),
        TokenCheck::Valid
    );
    assert_eq!(
        tokens
            .redeem(t.expose(), "alice@example.com", &used)
            .unwrap(),
        TokenCheck::AlreadyUsed
    );

    let late = tokens.issue("alice@example.com").unwrap();
    c.advance(Duration::from_secs(15 * 60));
    assert_eq!(
        tokens
            .redeem(late.expose(), "alice@example.com", &used)
            .unwrap(),
        TokenCheck::Expired
    );

    // Tampering with the expiry digits breaks the tag.
    let fresh = tokens.issue("alice@example.com").unwrap();
    let mut s = fresh.expose().to_owned();
    let c0 = if &s[10..11] == "z" { "y" } else { "z" };
    s.replace_range(10..11, c0);
    assert_eq!(
        tokens.redeem(&s, "alice@example.com", &used).unwrap(),
        TokenCheck::BadSignature
    );
    for bad in ["", "short", &"!".repeat(55), &"z".repeat(55)] {
        assert!(
            matches!(
                tokens.redeem(bad, "alice@example.com", &used),
                Err(Error::MalformedToken { .. })
            ),
            "{bad}"
        );
    }
    assert!(tokens.issue("").is_err());
    assert!(
        SignInTokens::new(&secret())
            .with_lifetime(Duration::ZERO)
            .is_err()
    );
}

#[test]
fn signed_urls_cover_method_path_scope_expiry_with_skew() {
    let c = clock();
    let signer = UrlSigner::new(&secret()).with_clock(c.clone());
    let url = signer
        .sign_url(
            "GET",
            "/v1/files/42?download=1",
            "read:files",
            Duration::from_secs(60),
            false,
        )
        .unwrap();
    assert!(url.starts_with("/v1/files/42?download=1&rk_exp="));
    assert_eq!(
        signer.verify_url("GET", &url, "read:files", None).unwrap(),
        TokenCheck::Valid
    );
    assert_eq!(
        signer.verify_url("PUT", &url, "read:files", None).unwrap(),
        TokenCheck::BadSignature
    );
    assert_eq!(
        signer
            .verify_url("GET", &url.replace("/42?", "/43?"), "read:files", None)
            .unwrap(),
        TokenCheck::BadSignature
    );
    assert_eq!(
        signer
            .verify_url(
                "GET",
                &url.replace("read:files", "read:*"),
                "read:files",
                None
            )
            .unwrap(),
        TokenCheck::BadSignature
    );
    assert_eq!(
        signer.verify_url("GET", &url, "write:files", None).unwrap(),
        TokenCheck::WrongScope
    );
    let exp: u64 = url
        .split("rk_exp=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let moved = url.replace(&format!("rk_exp={exp}"), &format!("rk_exp={}", exp + 3600));
    assert_eq!(
        signer
            .verify_url("GET", &moved, "read:files", None)
            .unwrap(),
        TokenCheck::BadSignature
    );

    // 60 s of life plus 30 s of skew tolerance.
    c.advance(Duration::from_secs(90));
    assert_eq!(
        signer.verify_url("GET", &url, "read:files", None).unwrap(),
        TokenCheck::Valid
    );
    c.advance(Duration::from_secs(1));
    assert_eq!(
        signer.verify_url("GET", &url, "read:files", None).unwrap(),
        TokenCheck::Expired
    );

    // A verifier whose clock runs behind still honours it; a wider pattern grants the scope.
    let wide = signer
        .sign_url("GET", "/bucket", "read:*", Duration::from_secs(60), false)
        .unwrap();
    assert_eq!(
        signer.verify_url("GET", &wide, "read:files", None).unwrap(),
        TokenCheck::Valid
    );
    assert_eq!(
        signer.verify_url("GET", &wide, "read:*", None).unwrap(),
        TokenCheck::WrongScope
    );

    // Another deployment's signer rejects it.
    let other = UrlSigner::new(&ServerSecret::generate().unwrap()).with_clock(c.clone());
    assert_eq!(
        other.verify_url("GET", &wide, "read:files", None).unwrap(),
        TokenCheck::BadSignature
    );
}

#[test]
fn signed_url_nonce_makes_links_single_use() {
    let c = clock();
    let signer = UrlSigner::new(&secret()).with_clock(c);
    let used = MemoryUsedTokens::new();
    let url = signer
        .sign_url(
            "GET",
            "/invite",
            "accept:invite",
            Duration::from_secs(600),
            true,
        )
        .unwrap();
    assert!(url.contains("&rk_nonce="));
    assert_eq!(
        signer
            .verify_url("GET", &url, "accept:invite", Some(&used))
            .unwrap(),
        TokenCheck::Valid
    );
    assert_eq!(
        signer
            .verify_url("GET", &url, "accept:invite", Some(&used))
            .unwrap(),
        TokenCheck::AlreadyUsed
    );
    assert_eq!(used.len(), 1);
}

#[test]
fn malformed_links_are_errors() {
    let signer = UrlSigner::new(&secret());
    let good = signer
        .sign_url("GET", "/x", "read:x", Duration::from_secs(60), false)
        .unwrap();
    for bad in [
        "/x".to_owned(),
        "/x?rk_exp=1".to_owned(),
        "rk_exp=1&rk_scope=read:x&rk_sig=0000000000000000000000".to_owned(),
        "/x?rk_exp=&rk_scope=read:x&rk_sig=0000000000000000000000".to_owned(),
        "/x?rk_exp=99999999999999999999999&rk_scope=read:x&rk_sig=0000000000000000000000"
            .to_owned(),
        "/x?rk_exp=1&rk_scope=READ&rk_sig=0000000000000000000000".to_owned(),
        "/x?rk_exp=1&rk_scope=read:x&rk_sig=000".to_owned(),
        "/x?rk_exp=1&rk_scope=read:x&rk_nonce=abc&rk_sig=0000000000000000000000".to_owned(),
        format!("{good}&more=1"),
        "/x?rk_exp=1&rk_sig=0000000000000000000000&rk_scope=read:x".to_owned(),
    ] {
        assert!(
            matches!(
                signer.verify_url("GET", &bad, "read:x", None),
                Err(Error::MalformedToken { .. })
            ),
            "{bad}"
        );
    }
    assert!(
        signer
            .sign_url(
                "GET",
                "/x?rk_exp=1",
                "read:x",
                Duration::from_secs(1),
                false
            )
            .is_err()
    );
    assert!(
        signer
            .sign_url("GET", "/x", "read x", Duration::from_secs(1), false)
            .is_err()
    );
    assert!(
        signer
            .sign_url("GET", "/x", "read:x", Duration::from_secs(8 * 86400), false)
            .is_err()
    );
    assert!(
        UrlSigner::new(&secret())
            .with_skew(Duration::from_secs(601))
            .is_err()
    );
}

#[test]
fn upload_tokens() {
    let c = clock();
    let signer = UrlSigner::new(&secret()).with_clock(c.clone());
    let used = MemoryUsedTokens::new();
    let t = signer
        .upload_token(
            "PUT",
            "/uploads/avatar.png",
            "write:uploads",
            Duration::from_secs(300),
        )
        .unwrap();
    let check = |method: &str, path: &str, scope: &str| {
        signer
            .verify_upload_token(t.expose(), method, path, scope, Some(&used))
            .unwrap()
    };
    assert_eq!(
        check("PUT", "/uploads/other.png", "write:uploads"),
        TokenCheck::BadSignature
    );
    assert_eq!(
        check("POST", "/uploads/avatar.png", "write:uploads"),
        TokenCheck::BadSignature
    );
    assert_eq!(
        check("PUT", "/uploads/avatar.png", "write:other"),
        TokenCheck::BadSignature
    );
    assert_eq!(
        check("PUT", "/uploads/avatar.png", "write:uploads"),
        TokenCheck::Valid
    );
    assert_eq!(
        check("PUT", "/uploads/avatar.png", "write:uploads"),
        TokenCheck::AlreadyUsed
    );
    let t2 = signer
        .upload_token("PUT", "/u", "write:uploads", Duration::from_secs(10))
        .unwrap();
    c.advance(Duration::from_secs(41));
    assert_eq!(
        signer
            .verify_upload_token(t2.expose(), "PUT", "/u", "write:uploads", None)
            .unwrap(),
        TokenCheck::Expired
    );
    assert!(
        signer
            .verify_upload_token("x", "PUT", "/u", "write:uploads", None)
            .is_err()
    );
}

#[test]
fn csrf_tokens_are_bound_to_the_session() {
    let csrf = CsrfTokens::new(&secret());
    let t = csrf.issue("sess-1").unwrap();
    assert!(csrf.verify(t.expose(), "sess-1"));
    assert!(!csrf.verify(t.expose(), "sess-2"));
    assert!(!csrf.verify(t.expose(), ""));
    assert!(!csrf.verify("", "sess-1"));
    assert!(!csrf.verify(&t.expose()[1..], "sess-1"));
    let mut flipped = t.expose().to_owned();
    let c = if &flipped[30..31] == "a" { "b" } else { "a" };
    flipped.replace_range(30..31, c);
    assert!(!csrf.verify(&flipped, "sess-1"));
    // Another deployment's CSRF key, and the sign-in key of the same secret, do not verify it.
    assert!(!CsrfTokens::new(&ServerSecret::generate().unwrap()).verify(t.expose(), "sess-1"));
    assert_ne!(csrf.issue("sess-1").unwrap().expose(), t.expose());
    assert!(csrf.issue("").is_err());
}

#[test]
fn a_signed_link_has_exactly_one_spelling_of_its_expiry() {
    let signer = UrlSigner::new(&secret()).with_clock(clock());
    let url = signer
        .sign_url("GET", "/x", "read:x", Duration::from_secs(60), false)
        .unwrap();
    assert_eq!(
        signer.verify_url("GET", &url, "read:x", None).unwrap(),
        TokenCheck::Valid
    );
    // Same (method, path, scope, expiry) tuple, another text: leading zeros on `rk_exp` would
    // make the link malleable (a second URL with the same MAC), so they are malformed.
    for padded in [
        url.replace("rk_exp=", "rk_exp=0"),
        url.replace("rk_exp=", "rk_exp=000"),
    ] {
        assert_ne!(padded, url);
        assert!(
            matches!(
                signer.verify_url("GET", &padded, "read:x", None),
                Err(Error::MalformedToken { .. })
            ),
            "{padded}"
        );
    }
    // A lone zero is still the canonical spelling of 0 (and is long expired).
    let zero = "/x?rk_exp=0&rk_scope=read:x&rk_sig=0000000000000000000000";
    assert_eq!(
        signer.verify_url("GET", zero, "read:x", None).unwrap(),
        TokenCheck::BadSignature
    );
}
