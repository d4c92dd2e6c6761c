//! The recommended `enc:v2:` field format: key id, context binding, 96-bit random nonces.
//!
//! # Format, byte for byte
//!
//! ```text
//! enc:v2:k<id>:<payload>
//! ```
//!
//! - `enc:v2:k`: the 8 ASCII bytes of the prefix (case-sensitive).
//! - `<id>`: the key id, a version number `1..=4294967295` in ASCII decimal, no sign, no leading
//!   zero.
//! - `:`: one ASCII colon.
//! - `<payload>`: base64url without padding (RFC 4648 §5, canonical: non-zero trailing bits are
//!   rejected) of `nonce (12 bytes) || ciphertext (same length as the plaintext) || tag (16 bytes)`.
//!
//! The cipher is AES-256-GCM with the key the id names. The associated data (authenticated, not
//! stored) is
//!
//! ```text
//! "rampart/enc/v2" 0x00 || u32be(id)
//!   || u32be(len(table))  || table
//!   || u32be(len(column)) || column
//!   || u32be(len(row))    || row
//! ```
//!
//! so a value copied to another table, column or row, or relabelled with another key id,
//! fails to decrypt. The shortest value (empty plaintext, id 1) is 48 characters.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::{Zeroize, Zeroizing};

use crate::aead::{Aes256Gcm, NONCE_LEN, TAG_LEN, random_nonce};
use crate::key::SecretKey;
use crate::v1::V1Cipher;
use crate::{Context, Decrypted, Error};

/// The prefix of every v2 value, up to the key id digits.
pub const PREFIX: &str = "enc:v2:k";
const AAD_LABEL: &[u8] = b"rampart/enc/v2\0";

/// The default per-key message limit: 2^32 encryptions. With random 96-bit nonces this keeps
/// the probability of any nonce collision below 2^-32 (NIST SP 800-38D §8.3).
pub const DEFAULT_MESSAGE_LIMIT: u64 = 1 << 32;

struct Entry {
    gcm: Aes256Gcm,
    used: AtomicU64,
}

/// A set of versioned keys: one primary (encrypts), older ones (decrypt only), and a minimum
/// version below which values are refused even if the key is still present.
///
/// # Message limit and rotation
/// Each key may encrypt at most [`KeyRingBuilder::message_limit`] messages (default 2^32, see
/// [`DEFAULT_MESSAGE_LIMIT`]). The ring counts encryptions per key *in this process* and fails
/// with [`Error::KeyExhausted`] at the limit. The count is not persisted: a fleet of processes,
/// or restarts, must follow the rotation rule: rotate the primary key (new id, old key kept for
/// decryption, [`Cipher::rewrap`] the stored values, then raise `min_decryption_version`) before
/// the total number of values ever written under one key across all processes reaches 2^32, and
/// at least once a year.
pub struct KeyRing {
    primary: u32,
    min_decryption_version: u32,
    message_limit: u64,
    keys: BTreeMap<u32, Entry>,
}

impl core::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyRing")
            .field("primary", &self.primary)
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .field("min_decryption_version", &self.min_decryption_version)
            .field("keys", &"[redacted]")
            .finish()
    }
}

impl KeyRing {
    /// Starts a key ring.
    pub fn builder() -> KeyRingBuilder {
        KeyRingBuilder {
            primary: None,
            older: Vec::new(),
            min_decryption_version: 1,
            message_limit: DEFAULT_MESSAGE_LIMIT,
        }
    }

    /// The id new values are written under.
    pub fn primary_id(&self) -> u32 {
        self.primary
    }

    /// Values with a lower key id are refused with [`Error::KeyVersionTooOld`].
    pub fn min_decryption_version(&self) -> u32 {
        self.min_decryption_version
    }

    /// How many messages this process has encrypted under key `id`.
    pub fn messages_encrypted(&self, id: u32) -> Option<u64> {
        self.keys.get(&id).map(|e| e.used.load(Ordering::Relaxed))
    }

    fn primary_entry(&self) -> Result<&Entry, Error> {
        let entry = self.keys.get(&self.primary).ok_or(Error::InvalidKey {
            what: "primary key missing",
        })?;
        let used = entry.used.fetch_add(1, Ordering::Relaxed);
        if used >= self.message_limit {
            entry.used.fetch_sub(1, Ordering::Relaxed);
            return Err(Error::KeyExhausted { id: self.primary });
        }
        Ok(entry)
    }

    fn decryption_entry(&self, id: u32) -> Result<&Entry, Error> {
        if id < self.min_decryption_version {
            return Err(Error::KeyVersionTooOld {
                id,
                min: self.min_decryption_version,
            });
        }
        self.keys.get(&id).ok_or(Error::UnknownKeyId { id })
    }
}

/// Builds a [`KeyRing`]; [`KeyRingBuilder::build`] validates it.
#[derive(Debug)]
pub struct KeyRingBuilder {
    primary: Option<(u32, SecretKey)>,
    older: Vec<(u32, SecretKey)>,
    min_decryption_version: u32,
    message_limit: u64,
}

impl KeyRingBuilder {
    /// The key new values are written under, with its id (a version number, at least 1).
    pub fn primary(mut self, id: u32, key: SecretKey) -> Self {
        self.primary = Some((id, key));
        self
    }

    /// An older key kept for decryption and [`Cipher::rewrap`].
    pub fn older(mut self, id: u32, key: SecretKey) -> Self {
        self.older.push((id, key));
        self
    }

    /// Refuse values whose key id is below `version` (Vault transit's `min_decryption_version`).
    /// Default 1 (accept every id the ring holds).
    pub fn min_decryption_version(mut self, version: u32) -> Self {
        self.min_decryption_version = version;
        self
    }

    /// Encryptions allowed per key in this process (default [`DEFAULT_MESSAGE_LIMIT`]); it
    /// cannot be raised above that default.
    pub fn message_limit(mut self, limit: u64) -> Self {
        self.message_limit = limit;
        self
    }

    /// Validates: a primary key is set, ids are at least 1 and distinct, the primary is not
    /// below `min_decryption_version`, the message limit is between 1 and 2^32.
    pub fn build(self) -> Result<KeyRing, Error> {
        let (primary, primary_key) = self.primary.ok_or(Error::InvalidKey {
            what: "a key ring needs a primary key",
        })?;
        if primary < self.min_decryption_version {
            return Err(Error::InvalidKey {
                what: "the primary key id is below min_decryption_version",
            });
        }
        if self.message_limit == 0 || self.message_limit > DEFAULT_MESSAGE_LIMIT {
            return Err(Error::InvalidKey {
                what: "the message limit must be between 1 and 2^32",
            });
        }
        let mut keys = BTreeMap::new();
        for (id, key) in std::iter::once((primary, primary_key)).chain(self.older) {
            if id == 0 {
                return Err(Error::InvalidKey {
                    what: "key ids start at 1",
                });
            }
            let entry = Entry {
                gcm: Aes256Gcm::new(&key),
                used: AtomicU64::new(0),
            };
            if keys.insert(id, entry).is_some() {
                return Err(Error::InvalidKey {
                    what: "duplicate key id",
                });
            }
        }
        Ok(KeyRing {
            primary,
            min_decryption_version: self.min_decryption_version,
            message_limit: self.message_limit,
            keys,
        })
    }
}

/// Associated data, on the stack when it fits (the usual case), so sealing a value costs one
/// allocation.
enum Aad {
    Stack([u8; AAD_STACK], usize),
    Heap(Vec<u8>),
}

const AAD_STACK: usize = 192;

impl Aad {
    fn as_slice(&self) -> &[u8] {
        match self {
            Self::Stack(buf, len) => buf.get(..*len).unwrap_or_default(),
            Self::Heap(v) => v,
        }
    }
}

fn write_aad(out: &mut impl std::io::Write, id: u32, context: &Context<'_>) -> std::io::Result<()> {
    out.write_all(AAD_LABEL)?;
    out.write_all(&id.to_be_bytes())?;
    for part in [context.table, context.column, context.row] {
        // Lengths above 4 GiB cannot occur for &str in practice; saturate rather than wrap.
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        out.write_all(&len.to_be_bytes())?;
        out.write_all(part.as_bytes())?;
    }
    Ok(())
}

fn aad(id: u32, context: &Context<'_>) -> Aad {
    let total =
        AAD_LABEL.len() + 16 + context.table.len() + context.column.len() + context.row.len();
    if total <= AAD_STACK {
        let mut buf = [0u8; AAD_STACK];
        let mut cursor: &mut [u8] = &mut buf;
        if write_aad(&mut cursor, id, context).is_ok() {
            return Aad::Stack(buf, total);
        }
    }
    let mut out = Vec::with_capacity(total);
    // Writing to a Vec cannot fail.
    let _ = write_aad(&mut out, id, context);
    Aad::Heap(out)
}

const BINARY_MAGIC: u8 = 0xE2;
const BINARY_HEADER: usize = 5;

fn binary_header(id: u32) -> [u8; BINARY_HEADER] {
    let [a, b, c, d] = id.to_be_bytes();
    [BINARY_MAGIC, a, b, c, d]
}

/// A parsed, not yet authenticated v2 value.
struct Parsed {
    id: u32,
    nonce: [u8; NONCE_LEN],
    sealed: Vec<u8>,
}

fn parse_id(digits: &str) -> Result<u32, Error> {
    let bad = Error::Malformed {
        what: "key id must be a decimal number from 1 to 4294967295",
    };
    if digits.is_empty()
        || digits.len() > 10
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad);
    }
    digits.parse::<u32>().map_err(|_| bad)
}

/// Reads the key id of a v2 value without decrypting it (for "which rows still need
/// rewrapping" queries). Authenticates nothing.
pub fn key_id(stored: &str) -> Result<u32, Error> {
    let body = stored.strip_prefix(PREFIX).ok_or(Error::UnknownFormat)?;
    let (digits, _) = body.split_once(':').ok_or(Error::Malformed {
        what: "missing ':' after the key id",
    })?;
    parse_id(digits)
}

fn parse(stored: &str) -> Result<Parsed, Error> {
    let body = stored.strip_prefix(PREFIX).ok_or(Error::UnknownFormat)?;
    let (digits, payload) = body.split_once(':').ok_or(Error::Malformed {
        what: "missing ':' after the key id",
    })?;
    let id = parse_id(digits)?;
    let mut bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| Error::Malformed {
            what: "payload is not canonical unpadded base64url",
        })?;
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return Err(Error::Malformed {
            what: "payload shorter than nonce and tag",
        });
    }
    let sealed = bytes.split_off(NONCE_LEN);
    let nonce = <[u8; NONCE_LEN]>::try_from(bytes.as_slice()).map_err(|_| Error::Malformed {
        what: "payload shorter than nonce and tag",
    })?;
    Ok(Parsed { id, nonce, sealed })
}

fn into_string(bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let mut bytes = e.into_bytes();
        bytes.zeroize();
        Error::NotUtf8
    })
}

/// Encrypts and decrypts fields with a [`KeyRing`]; optionally also reads OmniRoute v1 values
/// (and rewraps them into v2) during a migration.
///
/// Build it once at start-up and share it (`Cipher` is `Send + Sync`; keys are derived before).
///
/// ```
/// use envelope_encryption::{Cipher, Context, KeyRing, SecretKey};
///
/// let ring = KeyRing::builder().primary(1, SecretKey::generate()?).build()?;
/// let cipher = Cipher::new(ring);
/// let ctx = Context::new("providers", "api_key", "42");
/// let stored = cipher.encrypt("sk-live-123", &ctx)?;
/// assert!(stored.starts_with("enc:v2:k1:"));
/// assert_eq!(cipher.decrypt(&stored, &ctx)?, "sk-live-123");
/// // Copied to another row: refused.
/// assert!(cipher.decrypt(&stored, &Context::new("providers", "api_key", "43")).is_err());
/// # Ok::<(), envelope_encryption::Error>(())
/// ```
#[derive(Debug)]
pub struct Cipher {
    ring: KeyRing,
    v1: Option<V1Cipher>,
}

impl Cipher {
    /// A v2 cipher over `ring`.
    pub fn new(ring: KeyRing) -> Self {
        Self { ring, v1: None }
    }

    /// Also accepts OmniRoute `enc:v1:` values in [`Cipher::decrypt`] and turns them into v2
    /// values in [`Cipher::rewrap`].
    ///
    /// # Security
    /// v1 values bind no context: while this is set, a v1 value copied to another row still
    /// decrypts. Rewrap every v1 value, then drop the v1 key.
    pub fn with_v1_fallback(mut self, v1: V1Cipher) -> Self {
        self.v1 = Some(v1);
        self
    }

    /// The key ring.
    pub fn key_ring(&self) -> &KeyRing {
        &self.ring
    }

    /// Encrypts a string under the primary key, bound to `context`.
    pub fn encrypt(&self, plaintext: &str, context: &Context<'_>) -> Result<String, Error> {
        self.encrypt_bytes(plaintext.as_bytes(), context)
    }

    /// Encrypts bytes under the primary key, bound to `context`.
    pub fn encrypt_bytes(&self, plaintext: &[u8], context: &Context<'_>) -> Result<String, Error> {
        let sealed = self.seal(plaintext, context, 0)?;
        let payload = sealed.as_slice();
        let id = self.ring.primary;
        let mut out = String::with_capacity(PREFIX.len() + 11 + payload.len().div_ceil(3) * 4);
        out.push_str(PREFIX);
        out.push_str(&id.to_string());
        out.push(':');
        URL_SAFE_NO_PAD.encode_string(payload, &mut out);
        Ok(out)
    }

    /// `header (header_len zero bytes, filled by the caller) || nonce || ciphertext || tag`.
    fn seal(
        &self,
        plaintext: &[u8],
        context: &Context<'_>,
        header_len: usize,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let entry = self.ring.primary_entry()?;
        let id = self.ring.primary;
        let nonce = random_nonce()?;
        let mut buf = Zeroizing::new(Vec::with_capacity(
            header_len + NONCE_LEN + plaintext.len() + TAG_LEN,
        ));
        buf.resize(header_len, 0);
        buf.extend_from_slice(&nonce);
        buf.extend_from_slice(plaintext);
        entry.gcm.seal_in_place_from(
            &nonce,
            aad(id, context).as_slice(),
            &mut buf,
            header_len + NONCE_LEN,
        )?;
        Ok(buf)
    }

    /// Binary v2 for BLOB/BYTEA columns: the same cryptographic object as the string form
    /// (same nonce, ciphertext, tag and AAD), framed as
    /// `0xE2 || u32be(id) || nonce(12) || ciphertext || tag(16)` (33 bytes of overhead, no
    /// text encoding).
    pub fn encrypt_to_binary(
        &self,
        plaintext: &[u8],
        context: &Context<'_>,
    ) -> Result<Vec<u8>, Error> {
        let mut sealed = self.seal(plaintext, context, BINARY_HEADER)?;
        if let Some(head) = sealed.get_mut(..BINARY_HEADER) {
            head.copy_from_slice(&binary_header(self.ring.primary));
        }
        Ok(core::mem::take(&mut *sealed))
    }

    /// Decrypts a value from [`Cipher::encrypt_to_binary`].
    pub fn decrypt_binary(&self, sealed: &[u8], context: &Context<'_>) -> Result<Vec<u8>, Error> {
        let (head, rest) = sealed
            .split_at_checked(BINARY_HEADER)
            .ok_or(Error::Malformed {
                what: "binary value shorter than its header",
            })?;
        let mut head_iter = head.iter().copied();
        if head_iter.next() != Some(BINARY_MAGIC) {
            return Err(Error::UnknownFormat);
        }
        let id_bytes: [u8; 4] =
            head.get(1..)
                .and_then(|b| b.try_into().ok())
                .ok_or(Error::Malformed {
                    what: "binary value shorter than its header",
                })?;
        let id = u32::from_be_bytes(id_bytes);
        let (nonce, body) = rest.split_at_checked(NONCE_LEN).ok_or(Error::Malformed {
            what: "payload shorter than nonce and tag",
        })?;
        if body.len() < TAG_LEN {
            return Err(Error::Malformed {
                what: "payload shorter than nonce and tag",
            });
        }
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| Error::Malformed {
            what: "payload shorter than nonce and tag",
        })?;
        let entry = self.ring.decryption_entry(id)?;
        entry.gcm.open(&nonce, aad(id, context).as_slice(), body)
    }

    /// Decrypts a value written for `context`. An unencrypted value is
    /// [`Error::NotEncrypted`] (fail closed); see [`Cipher::decrypt_or_passthrough`].
    pub fn decrypt(&self, stored: &str, context: &Context<'_>) -> Result<String, Error> {
        into_string(self.decrypt_bytes(stored, context)?)
    }

    /// Like [`Cipher::decrypt`], keeping the plaintext as bytes.
    pub fn decrypt_bytes(&self, stored: &str, context: &Context<'_>) -> Result<Vec<u8>, Error> {
        if stored.starts_with(crate::v1::PREFIX) {
            let v1 = self.v1.as_ref().ok_or(Error::UnknownFormat)?;
            return match v1.decrypt_bytes(stored)? {
                Decrypted::Plaintext(bytes) => Ok(bytes),
                Decrypted::WasPlaintext(_) => Err(Error::NotEncrypted),
            };
        }
        if !stored.starts_with("enc:") {
            return Err(Error::NotEncrypted);
        }
        let mut parsed = parse(stored)?;
        let entry = self.ring.decryption_entry(parsed.id)?;
        entry.gcm.open_in_place(
            &parsed.nonce,
            aad(parsed.id, context).as_slice(),
            &mut parsed.sealed,
        )?;
        Ok(parsed.sealed)
    }

    /// For columns that still hold some plaintext: an unencrypted value (no `enc:` prefix)
    /// comes back as [`Decrypted::WasPlaintext`] so the caller can see it and re-encrypt it.
    pub fn decrypt_or_passthrough(
        &self,
        stored: &str,
        context: &Context<'_>,
    ) -> Result<Decrypted, Error> {
        if !stored.starts_with("enc:") {
            return Ok(Decrypted::WasPlaintext(stored.to_owned()));
        }
        self.decrypt(stored, context).map(Decrypted::Plaintext)
    }

    /// Whether `stored` is not under the primary key (v1, or an older v2 id). Authenticates
    /// nothing.
    pub fn needs_rewrap(&self, stored: &str) -> Result<bool, Error> {
        if stored.starts_with(crate::v1::PREFIX) {
            return Ok(true);
        }
        Ok(key_id(stored)? != self.ring.primary)
    }

    /// Re-encrypts a value under the primary key, for the same context, without the plaintext
    /// leaving this call (it lives in a zeroized buffer). A value already under the primary
    /// key is authenticated and returned unchanged. v1 values (with
    /// [`Cipher::with_v1_fallback`]) become v2 values bound to `context`.
    pub fn rewrap(&self, stored: &str, context: &Context<'_>) -> Result<String, Error> {
        let plaintext = Zeroizing::new(self.decrypt_bytes(stored, context)?);
        if stored.starts_with(PREFIX) && key_id(stored)? == self.ring.primary {
            return Ok(stored.to_owned());
        }
        self.encrypt_bytes(&plaintext, context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(primary: u32, older: &[u32], min: u32) -> KeyRing {
        let mut b = KeyRing::builder()
            .primary(primary, SecretKey::from_bytes([primary as u8; 32]))
            .min_decryption_version(min);
        for &id in older {
            b = b.older(id, SecretKey::from_bytes([id as u8; 32]));
        }
        b.build().unwrap()
    }

    #[test]
    fn rotation_rewrap_and_minimum_version() {
        let ctx = Context::new("t", "c", "1");
        let old = Cipher::new(ring(1, &[], 1));
        let v = old.encrypt("secret", &ctx).unwrap();
        assert_eq!(key_id(&v).unwrap(), 1);

        let new = Cipher::new(ring(2, &[1], 1));
        assert_eq!(new.decrypt(&v, &ctx).unwrap(), "secret");
        assert!(new.needs_rewrap(&v).unwrap());
        let w = new.rewrap(&v, &ctx).unwrap();
        assert_eq!(key_id(&w).unwrap(), 2);
        assert!(!new.needs_rewrap(&w).unwrap());
        assert_eq!(new.rewrap(&w, &ctx).unwrap(), w);
        assert!(new.rewrap(&v, &Context::new("t", "c", "2")).is_err());

        let strict = Cipher::new(ring(2, &[1], 2));
        assert_eq!(
            strict.decrypt(&v, &ctx),
            Err(Error::KeyVersionTooOld { id: 1, min: 2 })
        );
        assert_eq!(strict.decrypt(&w, &ctx).unwrap(), "secret");
        let other = Cipher::new(ring(3, &[], 1));
        assert_eq!(other.decrypt(&w, &ctx), Err(Error::UnknownKeyId { id: 2 }));
    }

    #[test]
    fn builder_validates() {
        assert!(KeyRing::builder().build().is_err());
        let k = || SecretKey::from_bytes([0; 32]);
        assert!(KeyRing::builder().primary(0, k()).build().is_err());
        assert!(
            KeyRing::builder()
                .primary(1, k())
                .older(1, k())
                .build()
                .is_err()
        );
        assert!(
            KeyRing::builder()
                .primary(1, k())
                .min_decryption_version(2)
                .build()
                .is_err()
        );
        assert!(
            KeyRing::builder()
                .primary(1, k())
                .message_limit(0)
                .build()
                .is_err()
        );
        let dbg = format!("{:?}", ring(2, &[1], 1));
        assert!(
            dbg.contains("[redacted]") && !dbg.contains("[2, 2"),
            "{dbg}"
        );
    }

    #[test]
    fn message_limit_is_enforced() {
        let ring = KeyRing::builder()
            .primary(1, SecretKey::from_bytes([0; 32]))
            .message_limit(2)
            .build()
            .unwrap();
        let c = Cipher::new(ring);
        let ctx = Context::NONE;
        c.encrypt("a", &ctx).unwrap();
        c.encrypt("b", &ctx).unwrap();
        assert_eq!(c.encrypt("c", &ctx), Err(Error::KeyExhausted { id: 1 }));
        assert_eq!(c.key_ring().messages_encrypted(1), Some(2));
    }

    #[test]
    fn parse_rejects_bad_ids_and_payloads() {
        let c = Cipher::new(ring(1, &[], 1));
        let ctx = Context::NONE;
        let good = c.encrypt("x", &ctx).unwrap();
        let payload = good.split_once("k1:").unwrap().1;
        for bad in [
            format!("enc:v2:k01:{payload}"),
            format!("enc:v2:k:{payload}"),
            format!("enc:v2:k+1:{payload}"),
            format!("enc:v2:k99999999999:{payload}"),
            format!("enc:v2:k1:{payload}="),
            "enc:v2:k1:AAAA".to_owned(),
            "enc:v2:k1".to_owned(),
        ] {
            assert!(
                matches!(c.decrypt(&bad, &ctx), Err(Error::Malformed { .. })),
                "{bad}"
            );
        }
        assert_eq!(c.decrypt("enc:v3:x", &ctx), Err(Error::UnknownFormat));
        assert_eq!(c.decrypt("plain", &ctx), Err(Error::NotEncrypted));
        assert_eq!(
            c.decrypt_or_passthrough("plain", &ctx).unwrap(),
            Decrypted::WasPlaintext("plain".into())
        );
        assert_eq!(
            c.decrypt("enc:v1:00:00:00", &ctx),
            Err(Error::UnknownFormat)
        );
    }

    #[test]
    fn binary_form_round_trips_and_binds_context() {
        let c = Cipher::new(ring(4, &[], 1));
        let ctx = Context::new("t", "c", "1");
        let sealed = c.encrypt_to_binary(b"blob", &ctx).unwrap();
        assert_eq!(sealed.len(), 5 + 12 + 4 + 16);
        assert_eq!(&sealed[..5], &[0xE2, 0, 0, 0, 4]);
        assert_eq!(c.decrypt_binary(&sealed, &ctx).unwrap(), b"blob");
        assert_eq!(
            c.decrypt_binary(&sealed, &Context::NONE),
            Err(Error::Decrypt)
        );
        for len in 0..sealed.len() {
            assert!(c.decrypt_binary(&sealed[..len], &ctx).is_err());
        }
        let mut other = sealed.clone();
        other[0] = 0;
        assert_eq!(c.decrypt_binary(&other, &ctx), Err(Error::UnknownFormat));
    }

    #[test]
    fn long_contexts_use_the_heap_and_still_bind() {
        let c = Cipher::new(ring(1, &[], 1));
        let long = "r".repeat(500);
        let ctx = Context::new("t", "c", &long);
        let v = c.encrypt("x", &ctx).unwrap();
        assert_eq!(c.decrypt(&v, &ctx).unwrap(), "x");
        let other = "r".repeat(499);
        assert!(c.decrypt(&v, &Context::new("t", "c", &other)).is_err());
        assert_eq!(
            aad(1, &ctx).as_slice(),
            aad(1, &Context::new("t", "c", &long)).as_slice()
        );
        assert!(matches!(aad(1, &ctx), Aad::Heap(_)));
        assert!(matches!(aad(1, &Context::NONE), Aad::Stack(..)));
    }

    #[test]
    fn cipher_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Cipher>();
        assert_send_sync::<KeyRing>();
    }

    #[test]
    fn shortest_value_length_matches_the_docs() {
        let c = Cipher::new(ring(1, &[], 1));
        assert_eq!(c.encrypt("", &Context::NONE).unwrap().len(), 48);
    }
}
