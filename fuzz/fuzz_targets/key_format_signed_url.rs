#![no_main]
//! Signed-link, upload-token, sign-in-token and CSRF verification must answer any input without
//! panicking, and never call a random input valid.

use std::sync::OnceLock;

use key_format::{
    CsrfTokens, MemoryUsedTokens, ServerSecret, SignInTokens, TokenCheck, UrlSigner,
};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    urls: UrlSigner,
    sign_in: SignInTokens,
    csrf: CsrfTokens,
    used: MemoryUsedTokens,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let secret = ServerSecret::from_bytes(b"fuzzing server secret, thirty-two bytes+").unwrap();
        Fixture {
            urls: UrlSigner::new(&secret),
            sign_in: SignInTokens::new(&secret),
            csrf: CsrfTokens::new(&secret),
            used: MemoryUsedTokens::new(),
        }
    })
}

fuzz_target!(|data: &str| {
    let f = fixture();
    let (method, url) = data.split_once(' ').unwrap_or(("GET", data));
    if let Ok(check) = f.urls.verify_url(method, url, "read:files", Some(&f.used)) {
        assert_ne!(check, TokenCheck::Valid, "forged link accepted: {data:?}");
    }
    if let Ok(check) = f.urls.verify_upload_token(url, method, "/u", "write:u", Some(&f.used)) {
        assert_ne!(check, TokenCheck::Valid);
    }
    if let Ok(check) = f.sign_in.redeem(url, method, &f.used) {
        assert_ne!(check, TokenCheck::Valid);
    }
    assert!(!f.csrf.verify(url, method));
});
