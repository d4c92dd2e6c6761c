//! Issuing, verifying, revoking and rotating keys.

use std::sync::Arc;
use std::time::Duration;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::record::{IssuedKey, KeyHash, KeyRecord, PlaintextKey};
use crate::secret::MacKey;
use crate::{
    Clock, Error, KeyFormat, KeyStore, MemoryKeyStore, ScopeSet, ServerSecret, SystemClock,
    Timestamp,
};

/// How often, at most, a successful verification writes `last_used_at` for one key.
pub const TOUCH_INTERVAL: Duration = Duration::from_secs(60);

/// What to issue: scopes, lifetime, label, principal.
#[derive(Debug, Clone, Default)]
pub struct KeyRequest {
    scopes: ScopeSet,
    expires_in: Option<Duration>,
    label: Option<String>,
    principal: Option<String>,
}

impl KeyRequest {
    /// A request for a key with no scopes, no expiry, no label and no principal.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The scopes to grant.
    #[must_use]
    pub fn scopes(mut self, scopes: ScopeSet) -> Self {
        self.scopes = scopes;
        self
    }

    /// The key expires this long after issue.
    #[must_use]
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// A human label.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The principal the key acts for.
    #[must_use]
    pub fn principal(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }
}

/// The outcome of [`KeyManager::verify`] for a well-formed key. A key that is not (bad prefix,
/// length, character, checksum or tag) is an [`Error`] instead: it never reached the store.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Verification {
    /// The key is genuine, not revoked, not expired (and has the required scope).
    Valid(VerifiedKey),
    /// No record for the key id, or the record's hash does not match (the two are not told
    /// apart, so a probe learns nothing about which ids exist).
    Unknown,
    /// The key was revoked.
    Revoked,
    /// The key is past its expiry (or past the grace deadline of a rotation).
    Expired,
    /// The key is genuine and live but lacks the required scope (hosts answer 403, not 401).
    InsufficientScope,
}

impl Verification {
    /// Whether the outcome is [`Verification::Valid`].
    #[must_use]
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid(_))
    }

    /// The verified key, if valid.
    #[must_use]
    pub fn into_verified(self) -> Option<VerifiedKey> {
        match self {
            Self::Valid(k) => Some(k),
            _ => None,
        }
    }
}

/// A key that passed every check. Only [`KeyManager::verify`] makes one: there is no public
/// constructor, so a function taking a `VerifiedKey` cannot be called with an unchecked key.
#[derive(Debug, Clone)]
pub struct VerifiedKey {
    record: Arc<KeyRecord>,
}

impl VerifiedKey {
    /// The public key id.
    #[must_use]
    pub fn key_id(&self) -> &str {
        &self.record.key_id
    }

    /// The principal the key acts for.
    #[must_use]
    pub fn principal(&self) -> Option<&str> {
        self.record.principal.as_deref()
    }

    /// The scopes granted.
    #[must_use]
    pub fn scopes(&self) -> &ScopeSet {
        &self.record.scopes
    }

    /// Whether the key's scopes grant `scope`.
    #[must_use]
    pub fn allows(&self, scope: &str) -> bool {
        self.record.scopes.allows(scope)
    }

    /// The stored record as read during verification.
    #[must_use]
    pub fn record(&self) -> &KeyRecord {
        &self.record
    }
}

/// Issues, verifies, revokes and rotates keys of one [`KeyFormat`] against one [`KeyStore`].
///
/// # Hashing: pepper, not per-record salt
/// A record stores HMAC-SHA256(pepper, whole key), where the pepper is derived from the
/// [`ServerSecret`] (label `key-hash`, independent of the tag key). The issue allowed a per-record
/// salted SHA-256 instead; the pepper was chosen because (1) keys carry 178 random bits, so there
/// is no dictionary for a salt to defeat and no two records share an input; (2) with a pepper, a
/// leaked table alone does not even let an attacker test a candidate key, while a salt is stored
/// beside the hash; (3) it costs one HMAC, keeping verification under a microsecond (a KDF is
/// pointless on 178-bit secrets). The price: changing the server secret changes every tag and
/// hash, so a secret rotation goes through [`KeyManagerBuilder::previous_secret`]: the retired
/// secret keeps verifying old keys (one more HMAC each) until they are rotated.
///
/// # Verification pipeline
/// parse (prefix, length, alphabet) → checksum → tag (constant time) → store lookup by id →
/// constant-time hash comparison → revoked? → expired? → scope. The first four are offline.
/// Revocation and expiry take effect on the next call: there is no cache in here.
///
/// `Send + Sync`; cheap to share in an `Arc` across request handlers. Verification is synchronous.
///
/// ```
/// use std::sync::Arc;
/// use key_format::{KeyManager, KeyRequest, MemoryKeyStore, ScopeSet, ServerSecret, Verification};
///
/// let secret = ServerSecret::from_bytes(b"example server secret, 32 bytes or more")?;
/// let keys = KeyManager::builder("omk_live", secret)
///     .store(Arc::new(MemoryKeyStore::new()))
///     .build()?;
/// let issued = keys.issue(KeyRequest::new().scopes(ScopeSet::parse("read:*")?))?;
/// let (plaintext, record) = issued.into_parts();
/// // Show `plaintext.expose()` to the user once; the store holds `record` (no plaintext).
/// match keys.verify_scoped(plaintext.expose(), "read:health")? {
///     Verification::Valid(key) => assert_eq!(key.key_id(), record.key_id),
///     other => panic!("{other:?}"),
/// }
/// assert!(matches!(
///     keys.verify_scoped(plaintext.expose(), "write:budget")?,
///     Verification::InsufficientScope
/// ));
/// keys.revoke(&record.key_id)?;
/// assert!(matches!(keys.verify(plaintext.expose())?, Verification::Revoked));
/// # Ok::<(), key_format::Error>(())
/// ```
#[derive(Clone)]
pub struct KeyManager {
    format: KeyFormat,
    pepper: MacKey,
    old_peppers: Vec<MacKey>,
    store: Arc<dyn KeyStore>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for KeyManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyManager")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// Builder for [`KeyManager`].
pub struct KeyManagerBuilder {
    prefix: String,
    secret: ServerSecret,
    previous: Vec<ServerSecret>,
    tagged: bool,
    store: Option<Arc<dyn KeyStore>>,
    clock: Option<Arc<dyn Clock>>,
}

impl KeyManagerBuilder {
    /// Whether keys carry the HMAC tag (default: yes). Untagged keys are shorter and can be
    /// checked offline by anyone (checksum only); tagged keys can only be told genuine by a holder
    /// of the server secret.
    #[must_use]
    pub fn tagged(mut self, tagged: bool) -> Self {
        self.tagged = tagged;
        self
    }

    /// Also verifies keys issued under `previous`, a retired server secret (tag and stored hash),
    /// so the server secret can be rotated without breaking issued keys: deploy the new secret
    /// with the old one as previous, [`KeyManager::rotate`] or reissue the keys, then drop the
    /// previous secret. Keys issued from now on use the current secret only. Repeatable.
    #[must_use]
    pub fn previous_secret(mut self, previous: ServerSecret) -> Self {
        self.previous.push(previous);
        self
    }

    /// The store (default: a new, empty [`MemoryKeyStore`]).
    #[must_use]
    pub fn store(mut self, store: Arc<dyn KeyStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The clock (default: [`SystemClock`]).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Validates the prefix and builds the manager.
    ///
    /// # Errors
    /// [`Error::InvalidPrefix`].
    pub fn build(self) -> Result<KeyManager, Error> {
        let mut format = if self.tagged {
            KeyFormat::signed(&self.prefix, &self.secret)?
        } else {
            KeyFormat::new(&self.prefix)?
        };
        for old in &self.previous {
            format = format.accepting_previous(old);
        }
        Ok(KeyManager {
            format,
            pepper: self.secret.derive("key-hash"),
            old_peppers: self.previous.iter().map(|s| s.derive("key-hash")).collect(),
            store: self
                .store
                .unwrap_or_else(|| Arc::new(MemoryKeyStore::new())),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
        })
    }
}

impl KeyManager {
    /// Starts a builder for keys with `prefix`, tagged and peppered under `secret`.
    #[must_use]
    pub fn builder(prefix: &str, secret: ServerSecret) -> KeyManagerBuilder {
        KeyManagerBuilder {
            prefix: prefix.to_owned(),
            secret,
            previous: Vec::new(),
            tagged: true,
            store: None,
            clock: None,
        }
    }

    /// The key format (for offline checks such as [`KeyFormat::parse`]).
    #[must_use]
    pub fn format(&self) -> &KeyFormat {
        &self.format
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &Arc<dyn KeyStore> {
        &self.store
    }

    fn hash(&self, key: &str) -> KeyHash {
        KeyHash(self.pepper.mac(key.as_bytes()))
    }

    /// Issues a key and inserts its record into the store.
    ///
    /// # Errors
    /// [`Error::Randomness`], [`Error::Store`].
    pub fn issue(&self, request: KeyRequest) -> Result<IssuedKey, Error> {
        self.issue_inner(request, None)
    }

    fn issue_inner(
        &self,
        request: KeyRequest,
        replaces: Option<String>,
    ) -> Result<IssuedKey, Error> {
        let now = self.clock.now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let key: Zeroizing<String> = self.format.generate()?;
            let parsed = self.format.parse(&key)?;
            let record = KeyRecord {
                key_id: parsed.key_id().to_owned(),
                prefix: parsed.prefix().to_owned(),
                hash: self.hash(&key),
                tagged: parsed.is_tagged(),
                scopes: request.scopes.clone(),
                principal: request.principal.clone(),
                label: request.label.clone(),
                created_at: now,
                expires_at: request.expires_in.map(|d| now.saturating_add(d)),
                revoked_at: None,
                last_used_at: None,
                replaces: replaces.clone(),
            };
            match self.store.insert(record.clone()) {
                Ok(()) => {
                    return Ok(IssuedKey {
                        key: PlaintextKey(key),
                        record,
                    });
                }
                // A 71-bit id collision: draw again (bounded, in case the store always refuses).
                Err(Error::DuplicateKeyId) if attempts < 3 => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Verifies a presented key through the whole pipeline.
    ///
    /// # Errors
    /// Malformed input: [`Error::WrongPrefix`], [`Error::BadLength`], [`Error::BadCharacter`],
    /// [`Error::BadChecksum`], [`Error::BadTag`]; a failing store: [`Error::Store`]. Hosts answer
    /// 401 to all of these and to every non-valid [`Verification`].
    pub fn verify(&self, presented: &str) -> Result<Verification, Error> {
        self.verify_inner(presented, None)
    }

    /// [`KeyManager::verify`], then requires `scope` ([`Verification::InsufficientScope`] when
    /// missing; a malformed or wildcard `scope` is never granted).
    ///
    /// # Errors
    /// As [`KeyManager::verify`].
    pub fn verify_scoped(&self, presented: &str, scope: &str) -> Result<Verification, Error> {
        self.verify_inner(presented, Some(scope))
    }

    fn verify_inner(&self, presented: &str, scope: Option<&str>) -> Result<Verification, Error> {
        let parsed = self.format.parse(presented)?;
        let found = self.store.get(parsed.key_id())?;
        // The hash comparison runs whether or not the id exists, so "no such id" and "wrong
        // secret" take the same work and a prober cannot tell ids that exist by timing.
        let (stored, prefix): (&[u8; 32], &[u8]) = match &found {
            Some(r) => (&r.hash.0, r.prefix.as_bytes()),
            None => (&[0u8; 32], parsed.prefix().as_bytes()),
        };
        let hash = self.hash(parsed.as_str());
        let mut same = hash.0.ct_eq(stored);
        for old in &self.old_peppers {
            same |= old.mac(parsed.as_str().as_bytes()).ct_eq(stored);
        }
        let same = same & prefix.ct_eq(parsed.prefix().as_bytes());
        let (Some(record), true) = (found, bool::from(same)) else {
            return Ok(Verification::Unknown);
        };
        let now = self.clock.now();
        if record.revoked_at.is_some() {
            return Ok(Verification::Revoked);
        }
        if record.expires_at.is_some_and(|at| now >= at) {
            return Ok(Verification::Expired);
        }
        if let Some(required) = scope
            && !record.scopes.allows(required)
        {
            return Ok(Verification::InsufficientScope);
        }
        let stale = record.last_used_at.is_none_or(|t| {
            now.unix_secs().saturating_sub(t.unix_secs()) >= TOUCH_INTERVAL.as_secs()
        });
        if stale {
            // Best effort: a failed write of last-used time must not turn a valid key away.
            let _ = self.store.touch(&record.key_id, now);
        }
        Ok(Verification::Valid(VerifiedKey { record }))
    }

    /// Revokes `key_id` now. Takes effect on the next verification. Revoking twice keeps the
    /// first time.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`], [`Error::Store`].
    pub fn revoke(&self, key_id: &str) -> Result<(), Error> {
        let now = self.clock.now();
        let found = self.store.update(key_id, &mut |r| {
            r.revoked_at.get_or_insert(now);
        })?;
        if found { Ok(()) } else { Err(Error::NoSuchKey) }
    }

    /// Zero-downtime rotation: issues a new key for the same principal, scopes and label (and the
    /// same lifetime, if the old key had one), and moves the old key's expiry to `now + grace`
    /// (never later than it already was). Until the deadline both keys verify; after it the old
    /// one verifies as [`Verification::Expired`]. A grace of zero retires the old key at once.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`]; [`Error::KeyRevoked`] (a revoked key is not rotated: issue anew);
    /// [`Error::KeyExpired`] (nor is an expired one); [`Error::Randomness`], [`Error::Store`].
    pub fn rotate(&self, key_id: &str, grace: Duration) -> Result<IssuedKey, Error> {
        let old = self.store.get(key_id)?.ok_or(Error::NoSuchKey)?;
        if old.revoked_at.is_some() {
            return Err(Error::KeyRevoked);
        }
        // An expired key (including one past the grace deadline of an earlier rotation) must
        // not be brought back to life with a fresh successor: that is a new issue, decided anew.
        if old.expires_at.is_some_and(|at| self.clock.now() >= at) {
            return Err(Error::KeyExpired);
        }
        let mut request = KeyRequest::new().scopes(old.scopes.clone());
        request.label.clone_from(&old.label);
        request.principal.clone_from(&old.principal);
        if let Some(exp) = old.expires_at {
            request.expires_in = Some(Duration::from_secs(
                exp.unix_secs().saturating_sub(old.created_at.unix_secs()),
            ));
        }
        let issued = self.issue_inner(request, Some(old.key_id.clone()))?;
        let deadline = self.clock.now().saturating_add(grace);
        self.store.update(key_id, &mut |r| {
            r.expires_at = Some(r.expires_at.map_or(deadline, |e| e.min(deadline)));
        })?;
        Ok(issued)
    }

    /// The current time on this manager's clock.
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
