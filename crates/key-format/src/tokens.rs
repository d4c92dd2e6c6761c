//! Short-lived tokens: single-use sign-in tokens, signed links and upload tokens, CSRF tokens.
//!
//! All are base62 (URL- and header-safe), carry 131 bits of nonce from the OS CSPRNG, and a
//! 128-bit truncated HMAC-SHA256 tag under a key derived from the [`ServerSecret`] with a label
//! per token kind, over length-prefixed fields (so no field can bleed into another). Tags are
//! compared in constant time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::base62;
use crate::scope;
use crate::secret::MacKey;
use crate::{Clock, Error, ServerSecret, SystemClock, Timestamp};

const NONCE_LEN: usize = 22;
const EXP_LEN: usize = 11;
const MAC_LEN: usize = 22;
/// Length of a sign-in or upload token: expiry, nonce, tag.
pub const TOKEN_LEN: usize = EXP_LEN + NONCE_LEN + MAC_LEN;
/// Length of a CSRF token: nonce, tag.
pub const CSRF_TOKEN_LEN: usize = NONCE_LEN + MAC_LEN;
/// Default lifetime of a sign-in token.
pub const SIGN_IN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Default clock-skew tolerance for signed links and upload tokens.
pub const DEFAULT_SKEW: Duration = Duration::from_secs(30);
/// Longest lifetime accepted for any short-lived token (7 days).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// The outcome of checking a well-formed short-lived token. Malformed input is an
/// [`Error::MalformedToken`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenCheck {
    /// Genuine, in time, (first use), and for what was asked.
    Valid,
    /// Past its expiry (plus the skew tolerance, for links).
    Expired,
    /// The tag does not match: tampered, another subject / session / method / path / scope, or
    /// not issued by this deployment.
    BadSignature,
    /// A single-use token or nonce seen before.
    AlreadyUsed,
    /// A genuine link whose scope does not grant the scope the host requires.
    WrongScope,
}

/// Remembers used single-use token ids until they expire (after that the token is rejected as
/// expired anyway, so the entry can go).
pub trait UsedTokens: Send + Sync {
    /// Atomically records `id` as used until `expires_at`. Returns `true` if it was not recorded
    /// before (first use), `false` if it was (a replay).
    ///
    /// # Errors
    /// [`Error::Store`] for backend failures (callers then refuse the token: fail closed).
    fn mark_used(&self, id: &[u8], expires_at: Timestamp, now: Timestamp) -> Result<bool, Error>;
}

/// [`UsedTokens`] in memory, with expired entries purged as the map grows.
#[derive(Debug, Default)]
pub struct MemoryUsedTokens {
    inner: Mutex<UsedInner>,
}

#[derive(Debug, Default)]
struct UsedInner {
    map: HashMap<Vec<u8>, Timestamp>,
    next_purge: usize,
}

impl MemoryUsedTokens {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Entries currently held (expired ones may linger until the next purge).
    #[must_use]
    pub fn len(&self) -> usize {
        self.inner.lock().map(|i| i.map.len()).unwrap_or(0)
    }

    /// Whether nothing is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl UsedTokens for MemoryUsedTokens {
    fn mark_used(&self, id: &[u8], expires_at: Timestamp, now: Timestamp) -> Result<bool, Error> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| Error::Store("used-token store lock poisoned".into()))?;
        if inner.map.len() >= inner.next_purge {
            inner.map.retain(|_, exp| *exp >= now);
            inner.next_purge = (inner.map.len() * 2).max(1024);
        }
        match inner.map.get(id) {
            Some(exp) if *exp >= now => Ok(false),
            _ => {
                inner.map.insert(id.to_vec(), expires_at);
                Ok(true)
            }
        }
    }
}

fn tag128(key: &MacKey, parts: &[&[u8]]) -> [u8; MAC_LEN] {
    let mac = Zeroizing::new(key.mac_parts(parts));
    let mut first = [0u8; 16];
    if let Some(src) = mac.get(..16) {
        first.copy_from_slice(src);
    }
    let mut out = [b'0'; MAC_LEN];
    base62::encode_fixed(u128::from_be_bytes(first), &mut out);
    out
}

fn nonce() -> Result<[u8; NONCE_LEN], Error> {
    let mut n = [0u8; NONCE_LEN];
    base62::fill_random(&mut n)?;
    Ok(n)
}

fn exp_digits(at: Timestamp) -> [u8; EXP_LEN] {
    let mut out = [b'0'; EXP_LEN];
    base62::encode_fixed(u128::from(at.unix_secs()), &mut out);
    out
}

fn check_lifetime(d: Duration) -> Result<(), Error> {
    if d.as_secs() == 0 {
        return Err(Error::InvalidConfig {
            reason: "token lifetime must be at least one second",
        });
    }
    if d > MAX_TOKEN_LIFETIME {
        return Err(Error::InvalidConfig {
            reason: "token lifetime must be at most 7 days",
        });
    }
    Ok(())
}

/// Splits a `TOKEN_LEN` base62 token into (expiry, nonce, tag).
fn split_token(token: &str) -> Result<(Timestamp, &[u8], &[u8]), Error> {
    let b = token.as_bytes();
    if b.len() != TOKEN_LEN {
        return Err(Error::MalformedToken {
            reason: "wrong length",
        });
    }
    if !b.iter().all(|&c| base62::is_base62(c)) {
        return Err(Error::MalformedToken {
            reason: "not base62",
        });
    }
    let (exp, rest) = b.split_at(EXP_LEN);
    let (nonce, tag) = rest.split_at(NONCE_LEN);
    let exp = base62::decode(exp)
        .and_then(|v| u64::try_from(v).ok())
        .ok_or(Error::MalformedToken {
            reason: "expiry out of range",
        })?;
    Ok((Timestamp::from_unix_secs(exp), nonce, tag))
}

/// A token handed out once (in a link or an e-mail): zeroized on drop, `Debug` prints
/// `[redacted]`, no `Display`.
pub struct Token(Zeroizing<String>);

impl Token {
    /// The token text, to put in the link.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// Single-use sign-in tokens (magic links), bound to a subject, 15 minutes by default.
///
/// The token carries its expiry, a nonce and a tag over (subject, nonce, expiry); the server keeps
/// nothing until redemption, when the nonce goes into a [`UsedTokens`] store so a second use is
/// refused. The subject (an account id or normalised e-mail) travels beside the token, for example
/// as another query parameter, and must be the same at redemption.
///
/// ```
/// use key_format::{MemoryUsedTokens, ServerSecret, SignInTokens, TokenCheck};
/// let tokens = SignInTokens::new(&ServerSecret::from_bytes(b"example server secret, 32 bytes or more")?);
/// let used = MemoryUsedTokens::new();
/// let t = tokens.issue("user-42")?;
/// assert_eq!(tokens.redeem(t.expose(), "user-42", &used)?, TokenCheck::Valid);
/// assert_eq!(tokens.redeem(t.expose(), "user-42", &used)?, TokenCheck::AlreadyUsed);
/// assert_eq!(tokens.redeem(t.expose(), "user-7", &used)?, TokenCheck::BadSignature);
/// # Ok::<(), key_format::Error>(())
/// ```
#[derive(Clone)]
pub struct SignInTokens {
    key: MacKey,
    lifetime: Duration,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SignInTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInTokens")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl SignInTokens {
    /// Sign-in tokens under `secret`, 15-minute lifetime, system clock.
    #[must_use]
    pub fn new(secret: &ServerSecret) -> Self {
        Self {
            key: secret.derive("sign-in"),
            lifetime: SIGN_IN_LIFETIME,
            clock: Arc::new(SystemClock),
        }
    }

    /// Another lifetime (1 second to 7 days).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`].
    pub fn with_lifetime(mut self, lifetime: Duration) -> Result<Self, Error> {
        check_lifetime(lifetime)?;
        self.lifetime = lifetime;
        Ok(self)
    }

    /// Another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A token for `subject`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an empty subject; [`Error::Randomness`].
    pub fn issue(&self, subject: &str) -> Result<Token, Error> {
        if subject.is_empty() {
            return Err(Error::InvalidConfig {
                reason: "empty sign-in subject",
            });
        }
        let exp = exp_digits(self.clock.now().saturating_add(self.lifetime));
        let nonce = nonce()?;
        let tag = tag128(&self.key, &[subject.as_bytes(), &nonce, &exp]);
        let mut s = Zeroizing::new(String::with_capacity(TOKEN_LEN));
        for part in [&exp[..], &nonce[..], &tag[..]] {
            s.extend(part.iter().map(|&b| char::from(b)));
        }
        Ok(Token(s))
    }

    /// Redeems `token` for `subject`: tag, then expiry, then first use (recorded in `used`).
    ///
    /// # Errors
    /// [`Error::MalformedToken`]; [`Error::Store`] from `used`.
    pub fn redeem(
        &self,
        token: &str,
        subject: &str,
        used: &dyn UsedTokens,
    ) -> Result<TokenCheck, Error> {
        let (exp, nonce, tag) = split_token(token)?;
        let exp_text = exp_digits(exp);
        let expected = tag128(&self.key, &[subject.as_bytes(), nonce, &exp_text]);
        if !bool::from(expected.ct_eq(tag)) {
            return Ok(TokenCheck::BadSignature);
        }
        let now = self.clock.now();
        if now >= exp {
            return Ok(TokenCheck::Expired);
        }
        let mut id = [0u8; NONCE_LEN + 2];
        id[..2].copy_from_slice(b"s:");
        id[2..].copy_from_slice(nonce);
        if used.mark_used(&id, exp, now)? {
            Ok(TokenCheck::Valid)
        } else {
            Ok(TokenCheck::AlreadyUsed)
        }
    }
}

/// Signed links (download links, scoped share links) and upload tokens.
///
/// The tag covers the method, the path (with its own query), the scope, the expiry and, when asked
/// for, a nonce that a [`UsedTokens`] store makes single-use. Verification tolerates a clock skew
/// (30 s by default) past the expiry, and refuses links whose expiry lies further in the future
/// than [`MAX_TOKEN_LIFETIME`] plus the skew.
///
/// A signed URL is the path with four parameters appended, in this order: `rk_exp` (Unix
/// seconds), `rk_scope`, `rk_nonce` (optional), `rk_sig` (22 base62 characters). They must be the
/// last parameters; anything after `rk_sig` is a malformed link.
///
/// ```
/// use std::time::Duration;
/// use key_format::{ServerSecret, TokenCheck, UrlSigner};
/// let signer = UrlSigner::new(&ServerSecret::from_bytes(b"example server secret, 32 bytes or more")?);
/// let url = signer.sign_url("GET", "/files/report.pdf?v=2", "read:files", Duration::from_secs(300), false)?;
/// assert_eq!(signer.verify_url("GET", &url, "read:files", None)?, TokenCheck::Valid);
/// assert_eq!(signer.verify_url("DELETE", &url, "read:files", None)?, TokenCheck::BadSignature);
/// let forged = url.replace("report", "secret");
/// assert_eq!(signer.verify_url("GET", &forged, "read:files", None)?, TokenCheck::BadSignature);
/// # Ok::<(), key_format::Error>(())
/// ```
#[derive(Clone)]
pub struct UrlSigner {
    key: MacKey,
    skew: Duration,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlSigner")
            .field("skew", &self.skew)
            .finish_non_exhaustive()
    }
}

struct LinkParts<'a> {
    base: &'a str,
    exp: Timestamp,
    scope: &'a str,
    nonce: &'a [u8],
    sig: &'a [u8],
}

fn parse_link(url: &str) -> Result<LinkParts<'_>, Error> {
    const MALFORMED: Error = Error::MalformedToken {
        reason: "signed link parameters missing or out of order",
    };
    let at = url.rfind("rk_exp=").ok_or(MALFORMED)?;
    let sep = at.checked_sub(1).ok_or(MALFORMED)?;
    match url.as_bytes().get(sep) {
        Some(b'?' | b'&') => {}
        _ => return Err(MALFORMED),
    }
    let base = url.get(..sep).ok_or(MALFORMED)?;
    let mut params = url.get(at..).ok_or(MALFORMED)?.split('&');
    let exp = params
        .next()
        .and_then(|p| p.strip_prefix("rk_exp="))
        // Canonical decimal only: no leading zero, so one signed link has exactly one spelling
        // (`rk_exp=0300` must not verify as the link signed with `rk_exp=300`).
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 20
                && v.bytes().all(|b| b.is_ascii_digit())
                && (v.len() == 1 || !v.starts_with('0'))
        })
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or(MALFORMED)?;
    let scope = params
        .next()
        .and_then(|p| p.strip_prefix("rk_scope="))
        .ok_or(MALFORMED)?;
    scope::check(scope, true).map_err(|_| Error::MalformedToken {
        reason: "signed link scope is not a valid scope",
    })?;
    let mut next = params.next().ok_or(MALFORMED)?;
    let mut nonce: &[u8] = &[];
    if let Some(n) = next.strip_prefix("rk_nonce=") {
        if n.len() != NONCE_LEN || !n.bytes().all(base62::is_base62) {
            return Err(Error::MalformedToken {
                reason: "bad signed link nonce",
            });
        }
        nonce = n.as_bytes();
        next = params.next().ok_or(MALFORMED)?;
    }
    let sig = next.strip_prefix("rk_sig=").ok_or(MALFORMED)?;
    if sig.len() != MAC_LEN || !sig.bytes().all(base62::is_base62) {
        return Err(Error::MalformedToken {
            reason: "bad signed link signature",
        });
    }
    if params.next().is_some() {
        return Err(MALFORMED);
    }
    Ok(LinkParts {
        base,
        exp: Timestamp::from_unix_secs(exp),
        scope,
        nonce,
        sig: sig.as_bytes(),
    })
}

impl UrlSigner {
    /// A signer under `secret`, 30 s skew tolerance, system clock.
    #[must_use]
    pub fn new(secret: &ServerSecret) -> Self {
        Self {
            key: secret.derive("signed-url"),
            skew: DEFAULT_SKEW,
            clock: Arc::new(SystemClock),
        }
    }

    /// Another skew tolerance (at most 10 minutes).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`].
    pub fn with_skew(mut self, skew: Duration) -> Result<Self, Error> {
        if skew > Duration::from_secs(600) {
            return Err(Error::InvalidConfig {
                reason: "clock-skew tolerance must be at most 10 minutes",
            });
        }
        self.skew = skew;
        Ok(self)
    }

    /// Another clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn tag(
        &self,
        kind: &[u8],
        method: &str,
        path: &str,
        scope: &str,
        exp: u64,
        nonce: &[u8],
    ) -> [u8; MAC_LEN] {
        tag128(
            &self.key,
            &[
                kind,
                method.as_bytes(),
                path.as_bytes(),
                scope.as_bytes(),
                &exp.to_be_bytes(),
                nonce,
            ],
        )
    }

    fn judge(
        &self,
        exp: Timestamp,
        nonce: &[u8],
        used: Option<&dyn UsedTokens>,
    ) -> Result<TokenCheck, Error> {
        let now = self.clock.now();
        if now > exp.saturating_add(self.skew) {
            return Ok(TokenCheck::Expired);
        }
        if exp > now.saturating_add(MAX_TOKEN_LIFETIME + self.skew) {
            // Longer-lived than this crate ever signs: not ours to honour.
            return Ok(TokenCheck::BadSignature);
        }
        if let (Some(used), false) = (used, nonce.is_empty()) {
            let mut id = Vec::with_capacity(nonce.len() + 2);
            id.extend_from_slice(b"u:");
            id.extend_from_slice(nonce);
            if !used.mark_used(&id, exp.saturating_add(self.skew), now)? {
                return Ok(TokenCheck::AlreadyUsed);
            }
        }
        Ok(TokenCheck::Valid)
    }

    /// Signs `path_and_query` for `method` and `scope`, valid for `ttl`; with `with_nonce`, the
    /// link carries a nonce so a verifier given a [`UsedTokens`] store honours it once.
    ///
    /// # Errors
    /// [`Error::InvalidScope`]; [`Error::InvalidConfig`] for a `ttl` of 0 or over 7 days, or a
    /// path that already contains `rk_exp=`; [`Error::Randomness`].
    pub fn sign_url(
        &self,
        method: &str,
        path_and_query: &str,
        scope: &str,
        ttl: Duration,
        with_nonce: bool,
    ) -> Result<String, Error> {
        scope::check(scope, true)?;
        check_lifetime(ttl)?;
        if path_and_query.contains("rk_exp=") || path_and_query.contains('#') {
            return Err(Error::InvalidConfig {
                reason: "the path must not contain `rk_exp=` or a fragment",
            });
        }
        let exp = self.clock.now().saturating_add(ttl).unix_secs();
        let nonce = if with_nonce { Some(nonce()?) } else { None };
        let nonce_bytes: &[u8] = nonce.as_ref().map_or(&[], |n| &n[..]);
        let sig = self.tag(b"url", method, path_and_query, scope, exp, nonce_bytes);
        let mut url = String::with_capacity(path_and_query.len() + scope.len() + 100);
        url.push_str(path_and_query);
        url.push(if path_and_query.contains('?') {
            '&'
        } else {
            '?'
        });
        url.push_str("rk_exp=");
        url.push_str(&exp.to_string());
        url.push_str("&rk_scope=");
        url.push_str(scope);
        if let Some(n) = &nonce {
            url.push_str("&rk_nonce=");
            url.extend(n.iter().map(|&b| char::from(b)));
        }
        url.push_str("&rk_sig=");
        url.extend(sig.iter().map(|&b| char::from(b)));
        Ok(url)
    }

    /// Verifies a signed URL (path and query as received) for `method`, requiring that the link's
    /// scope grants `required_scope`. With `used`, a link carrying a nonce is honoured once.
    ///
    /// # Errors
    /// [`Error::MalformedToken`] when the signature parameters are missing, out of order or
    /// malformed; [`Error::Store`] from `used`.
    pub fn verify_url(
        &self,
        method: &str,
        url: &str,
        required_scope: &str,
        used: Option<&dyn UsedTokens>,
    ) -> Result<TokenCheck, Error> {
        let link = parse_link(url)?;
        let expected = self.tag(
            b"url",
            method,
            link.base,
            link.scope,
            link.exp.unix_secs(),
            link.nonce,
        );
        if !bool::from(expected.ct_eq(link.sig)) {
            return Ok(TokenCheck::BadSignature);
        }
        if scope::check(required_scope, false).is_err()
            || !scope::grants(link.scope, required_scope)
        {
            return Ok(TokenCheck::WrongScope);
        }
        self.judge(link.exp, link.nonce, used)
    }

    /// An upload token (for a header or form field rather than the URL) for `method` on `path`
    /// with `scope`, valid for `ttl`. It always carries a nonce; pass a [`UsedTokens`] store to
    /// [`UrlSigner::verify_upload_token`] to make it single-use.
    ///
    /// # Errors
    /// [`Error::InvalidScope`], [`Error::InvalidConfig`], [`Error::Randomness`].
    pub fn upload_token(
        &self,
        method: &str,
        path: &str,
        scope: &str,
        ttl: Duration,
    ) -> Result<Token, Error> {
        scope::check(scope, true)?;
        check_lifetime(ttl)?;
        let exp = self.clock.now().saturating_add(ttl);
        let nonce = nonce()?;
        let sig = self.tag(b"upload", method, path, scope, exp.unix_secs(), &nonce);
        let mut s = Zeroizing::new(String::with_capacity(TOKEN_LEN));
        for part in [&exp_digits(exp)[..], &nonce[..], &sig[..]] {
            s.extend(part.iter().map(|&b| char::from(b)));
        }
        Ok(Token(s))
    }

    /// Verifies an upload token for `method`, `path` and exactly the `scope` it was issued for.
    ///
    /// # Errors
    /// [`Error::MalformedToken`]; [`Error::Store`] from `used`.
    pub fn verify_upload_token(
        &self,
        token: &str,
        method: &str,
        path: &str,
        scope: &str,
        used: Option<&dyn UsedTokens>,
    ) -> Result<TokenCheck, Error> {
        let (exp, nonce, tag) = split_token(token)?;
        let expected = self.tag(b"upload", method, path, scope, exp.unix_secs(), nonce);
        if !bool::from(expected.ct_eq(tag)) {
            return Ok(TokenCheck::BadSignature);
        }
        self.judge(exp, nonce, used)
    }
}

/// CSRF tokens bound to a session (synchroniser-token pattern without server state): a nonce and
/// HMAC(session id, nonce). Issue one per form or per session; verification is a constant-time
/// tag comparison and answers `false` for anything malformed.
///
/// ```
/// use key_format::{CsrfTokens, ServerSecret};
/// let csrf = CsrfTokens::new(&ServerSecret::from_bytes(b"example server secret, 32 bytes or more")?);
/// let t = csrf.issue("session-abc")?;
/// assert!(csrf.verify(t.expose(), "session-abc"));
/// assert!(!csrf.verify(t.expose(), "session-xyz"));
/// # Ok::<(), key_format::Error>(())
/// ```
#[derive(Clone)]
pub struct CsrfTokens {
    key: MacKey,
}

impl std::fmt::Debug for CsrfTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfTokens { .. }")
    }
}

impl CsrfTokens {
    /// CSRF tokens under `secret`.
    #[must_use]
    pub fn new(secret: &ServerSecret) -> Self {
        Self {
            key: secret.derive("csrf"),
        }
    }

    /// A token for `session_id`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an empty session id; [`Error::Randomness`].
    pub fn issue(&self, session_id: &str) -> Result<Token, Error> {
        if session_id.is_empty() {
            return Err(Error::InvalidConfig {
                reason: "empty session id",
            });
        }
        let nonce = nonce()?;
        let tag = tag128(&self.key, &[session_id.as_bytes(), &nonce]);
        let mut s = Zeroizing::new(String::with_capacity(CSRF_TOKEN_LEN));
        for part in [&nonce[..], &tag[..]] {
            s.extend(part.iter().map(|&b| char::from(b)));
        }
        Ok(Token(s))
    }

    /// Whether `token` was issued for `session_id`.
    #[must_use]
    pub fn verify(&self, token: &str, session_id: &str) -> bool {
        let b = token.as_bytes();
        if session_id.is_empty()
            || b.len() != CSRF_TOKEN_LEN
            || !b.iter().all(|&c| base62::is_base62(c))
        {
            return false;
        }
        let (nonce, tag) = b.split_at(NONCE_LEN);
        bool::from(tag128(&self.key, &[session_id.as_bytes(), nonce]).ct_eq(tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn used_tokens_purge_only_expired_entries() {
        let used = MemoryUsedTokens::new();
        let t0 = Timestamp::from_unix_secs(1000);
        for i in 0..1500u32 {
            assert!(used.mark_used(&i.to_be_bytes(), t0, t0).unwrap());
        }
        // One entry that lives on, then a purge triggered by growth past the threshold.
        let later = Timestamp::from_unix_secs(5000);
        assert!(used.mark_used(b"keep", later, t0).unwrap());
        let t1 = Timestamp::from_unix_secs(2000);
        assert!(used.mark_used(b"new", later, t1).unwrap());
        // Growth to twice the last survivor count triggers a purge of the 1500 expired ids.
        for i in 0..600u32 {
            assert!(
                used.mark_used(&(i + 1_000_000).to_be_bytes(), later, t1)
                    .unwrap()
            );
        }
        assert!(used.len() < 700, "{}", used.len());
        assert!(!used.mark_used(b"keep", later, t1).unwrap());
        assert!(!used.mark_used(b"new", later, t1).unwrap());
        // An id whose entry has expired may be recorded again (its token is expired anyway).
        assert!(used.mark_used(&0u32.to_be_bytes(), later, t1).unwrap());
    }

    #[test]
    fn a_sign_in_token_is_valid_for_exactly_one_of_many_racing_redeemers() {
        let tokens = Arc::new(SignInTokens::new(&ServerSecret::generate().unwrap()));
        let used = Arc::new(MemoryUsedTokens::new());
        let token = Arc::new(tokens.issue("subject").unwrap().expose().to_owned());
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (tokens, used, token) = (tokens.clone(), used.clone(), token.clone());
                std::thread::spawn(move || tokens.redeem(&token, "subject", &*used).unwrap())
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(
            results.iter().filter(|r| **r == TokenCheck::Valid).count(),
            1
        );
        assert_eq!(
            results
                .iter()
                .filter(|r| **r == TokenCheck::AlreadyUsed)
                .count(),
            7
        );
    }
}
