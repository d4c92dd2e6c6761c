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

use std::sync::atomic::{AtomicU64, Ordering};

use zeroize::{Zeroize, Zeroizing};

use crate::aead::{Aes256Gcm, NONCE_LEN, TAG_LEN, random_nonce};
use crate::encoding::{
    base64url_decoded_len, base64url_len, decode_base64url_into, encode_base64url,
};
use crate::key::SecretKey;
use crate::v1::V1Cipher;
use crate::{Context, Decrypted, Error};

/// The prefix of every v2 value, up to the key id digits.
pub const PREFIX: &str = "enc:v2:k";
const AAD_LABEL: &[u8; 15] = b"rampart/enc/v2\0";

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
    /// The primary key, reached without a search on every encryption (boxed: an AES key
    /// schedule is about a kilobyte, and a `Cipher` should stay cheap to move and embed).
    primary_entry: Box<Entry>,
    /// The other keys, sorted by id (binary search; rings hold a handful of keys).
    older: Box<[(u32, Entry)]>,
    min_decryption_version: u32,
    message_limit: u64,
}

impl core::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut ids: Vec<u32> = self.older.iter().map(|(id, _)| *id).collect();
        ids.push(self.primary);
        ids.sort_unstable();
        f.debug_struct("KeyRing")
            .field("primary", &self.primary)
            .field("ids", &ids)
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
        self.entry(id).map(|e| e.used.load(Ordering::Relaxed))
    }

    fn entry(&self, id: u32) -> Option<&Entry> {
        if id == self.primary {
            return Some(&self.primary_entry);
        }
        let index = self.older.binary_search_by_key(&id, |(id, _)| *id).ok()?;
        self.older.get(index).map(|(_, entry)| entry)
    }

    /// The primary key, with one more message counted against its limit (one atomic add; a
    /// refused attempt is taken back, so the count never passes the limit for long).
    fn primary_for_encryption(&self) -> Result<(u32, &Entry), Error> {
        let entry = &self.primary_entry;
        let used = entry.used.fetch_add(1, Ordering::Relaxed);
        if used >= self.message_limit {
            entry.used.fetch_sub(1, Ordering::Relaxed);
            return Err(Error::KeyExhausted { id: self.primary });
        }
        Ok((self.primary, entry))
    }

    fn decryption_entry(&self, id: u32) -> Result<&Entry, Error> {
        if id < self.min_decryption_version {
            return Err(Error::KeyVersionTooOld {
                id,
                min: self.min_decryption_version,
            });
        }
        self.entry(id).ok_or(Error::UnknownKeyId { id })
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
        let entry = |key: &SecretKey| Entry {
            gcm: Aes256Gcm::new(key),
            used: AtomicU64::new(0),
        };
        let mut older = Vec::with_capacity(self.older.len());
        for (id, key) in &self.older {
            older.push((*id, entry(key)));
        }
        older.sort_unstable_by_key(|(id, _)| *id);
        let mut ids = older
            .iter()
            .map(|(id, _)| *id)
            .chain([primary])
            .collect::<Vec<_>>();
        ids.sort_unstable();
        if ids.first() == Some(&0) {
            return Err(Error::InvalidKey {
                what: "key ids start at 1",
            });
        }
        if ids.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(Error::InvalidKey {
                what: "duplicate key id",
            });
        }
        Ok(KeyRing {
            primary,
            primary_entry: Box::new(entry(&primary_key)),
            older: older.into_boxed_slice(),
            min_decryption_version: self.min_decryption_version,
            message_limit: self.message_limit,
        })
    }
}

/// AADs up to this length are assembled on the stack (label, id, three length prefixes and up
/// to 129 bytes of context); longer ones in one exact-size heap buffer.
const AAD_STACK: usize = 160;

/// Length of the associated data for `context`, or `None` if a part is 4 GiB or longer (its
/// length prefix would not fit in a u32).
fn aad_len(context: &Context<'_>) -> Option<usize> {
    let mut total = AAD_LABEL.len() + 4;
    for part in [context.table, context.column, context.row] {
        u32::try_from(part.len()).ok()?;
        total = total.checked_add(4)?.checked_add(part.len())?;
    }
    Some(total)
}

/// Writes the associated data into `out` (exactly [`aad_len`] bytes); `false` if it does not
/// fit, which the callers rule out by sizing `out` first.
fn fill_aad(out: &mut [u8], id: u32, context: &Context<'_>) -> bool {
    let Some((label, rest)) = out.split_first_chunk_mut::<{ AAD_LABEL.len() }>() else {
        return false;
    };
    *label = *AAD_LABEL;
    let Some((id_bytes, mut rest)) = rest.split_first_chunk_mut::<4>() else {
        return false;
    };
    *id_bytes = id.to_be_bytes();
    for part in [context.table, context.column, context.row] {
        let Ok(len) = u32::try_from(part.len()) else {
            return false;
        };
        let Some((len_bytes, tail)) = rest.split_first_chunk_mut::<4>() else {
            return false;
        };
        *len_bytes = len.to_be_bytes();
        let Some((bytes, tail)) = tail.split_at_mut_checked(part.len()) else {
            return false;
        };
        bytes.copy_from_slice(part.as_bytes());
        rest = tail;
    }
    rest.is_empty()
}

/// Runs `f` with the associated data binding key `id` and `context` (see the module docs),
/// assembled on the stack when it fits (the usual case: no allocation).
fn with_aad<R>(
    id: u32,
    context: &Context<'_>,
    f: impl FnOnce(&[u8]) -> Result<R, Error>,
) -> Result<R, Error> {
    let too_long = Error::Malformed {
        what: "context part of 4 GiB or more",
    };
    let len = aad_len(context).ok_or(too_long.clone())?;
    if len <= AAD_STACK {
        let mut buf = [0u8; AAD_STACK];
        let aad = buf.get_mut(..len).ok_or(too_long.clone())?;
        if !fill_aad(aad, id, context) {
            return Err(too_long);
        }
        f(aad)
    } else {
        let mut buf = vec![0u8; len];
        if !fill_aad(&mut buf, id, context) {
            return Err(too_long);
        }
        f(&buf)
    }
}

const BINARY_MAGIC: u8 = 0xE2;
const BINARY_HEADER: usize = 5;

fn binary_header(id: u32) -> [u8; BINARY_HEADER] {
    let [a, b, c, d] = id.to_be_bytes();
    [BINARY_MAGIC, a, b, c, d]
}

/// Base64url characters holding the nonce: 12 bytes are exactly 16 characters, so the nonce
/// and the rest of the payload decode separately on a 4-character boundary.
const NONCE_CHARS: usize = 16;

/// ASCII decimal digits of `id` (no leading zero), right-aligned in the array; returns the
/// digits.
fn decimal(id: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut n = id;
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        start -= 1;
        if n == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or_default()
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

/// Splits a v2 string into key id, nonce and `ciphertext || tag` (decoded into one buffer of
/// exact size). Authenticates nothing.
fn parse(stored: &str) -> Result<(u32, [u8; NONCE_LEN], Vec<u8>), Error> {
    let body = stored.strip_prefix(PREFIX).ok_or(Error::UnknownFormat)?;
    let (digits, payload) = body.split_once(':').ok_or(Error::Malformed {
        what: "missing ':' after the key id",
    })?;
    let id = parse_id(digits)?;
    let not_base64 = Error::Malformed {
        what: "payload is not canonical unpadded base64url",
    };
    let too_short = Error::Malformed {
        what: "payload shorter than nonce and tag",
    };
    if payload.len() < base64url_len(NONCE_LEN + TAG_LEN) {
        return Err(too_short);
    }
    let (nonce_chars, sealed_chars) = payload
        .as_bytes()
        .split_at_checked(NONCE_CHARS)
        .ok_or(too_short)?;
    let mut nonce = [0u8; NONCE_LEN];
    if !decode_base64url_into(nonce_chars, &mut nonce) {
        return Err(not_base64);
    }
    let len = base64url_decoded_len(sealed_chars.len()).ok_or(not_base64.clone())?;
    let mut sealed = vec![0u8; len];
    if !decode_base64url_into(sealed_chars, &mut sealed) {
        return Err(not_base64);
    }
    Ok((id, nonce, sealed))
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
        let (id, sealed) = self.seal([], plaintext, context)?;
        let mut digits = [0u8; 10];
        let digits = decimal(id, &mut digits);
        let mut out =
            Vec::with_capacity(PREFIX.len() + digits.len() + 1 + base64url_len(sealed.len()));
        out.extend_from_slice(PREFIX.as_bytes());
        out.extend_from_slice(digits);
        out.push(b':');
        encode_base64url(&sealed, &mut out);
        // ASCII by construction; the check is one fast pass.
        String::from_utf8(out).map_err(|_| Error::Malformed {
            what: "internal encoding error",
        })
    }

    /// `header || nonce || ciphertext || tag` under the primary key, in one allocation of exact
    /// size, and the primary key id. Nothing else is allocated when the AAD fits on the stack.
    fn seal<const H: usize>(
        &self,
        header: [u8; H],
        plaintext: &[u8],
        context: &Context<'_>,
    ) -> Result<(u32, Vec<u8>), Error> {
        let (id, entry) = self.ring.primary_for_encryption()?;
        let nonce = random_nonce()?;
        let offset = H + NONCE_LEN;
        let sealed = with_aad(id, context, |aad| {
            let mut buf = Vec::with_capacity(offset + plaintext.len() + TAG_LEN);
            buf.extend_from_slice(&header);
            buf.extend_from_slice(&nonce);
            buf.extend_from_slice(plaintext);
            match entry.gcm.seal_in_place_from(&nonce, aad, &mut buf, offset) {
                Ok(()) => Ok(buf),
                Err(e) => {
                    // Still the plaintext.
                    buf.zeroize();
                    Err(e)
                }
            }
        })?;
        Ok((id, sealed))
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
        let header = binary_header(self.ring.primary);
        self.seal(header, plaintext, context)
            .map(|(_, sealed)| sealed)
    }

    /// Decrypts a value from [`Cipher::encrypt_to_binary`].
    pub fn decrypt_binary(&self, sealed: &[u8], context: &Context<'_>) -> Result<Vec<u8>, Error> {
        let (head, rest) = sealed
            .split_at_checked(BINARY_HEADER)
            .ok_or(Error::Malformed {
                what: "binary value shorter than its header",
            })?;
        let [magic, a, b, c, d] =
            <[u8; BINARY_HEADER]>::try_from(head).map_err(|_| Error::Malformed {
                what: "binary value shorter than its header",
            })?;
        if magic != BINARY_MAGIC {
            return Err(Error::UnknownFormat);
        }
        let id = u32::from_be_bytes([a, b, c, d]);
        let too_short = Error::Malformed {
            what: "payload shorter than nonce and tag",
        };
        let (nonce, body) = rest.split_at_checked(NONCE_LEN).ok_or(too_short.clone())?;
        if body.len() < TAG_LEN {
            return Err(too_short);
        }
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| too_short)?;
        let entry = self.ring.decryption_entry(id)?;
        with_aad(id, context, |aad| entry.gcm.open(&nonce, aad, body))
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
        let (id, nonce, mut sealed) = parse(stored)?;
        let entry = self.ring.decryption_entry(id)?;
        with_aad(id, context, |aad| {
            entry.gcm.open_in_place(&nonce, aad, &mut sealed)
        })?;
        Ok(sealed)
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
        let aad_of = |ctx: &Context<'_>| with_aad(1, ctx, |aad| Ok(aad.to_vec())).unwrap();
        assert!(aad_len(&ctx).unwrap() > AAD_STACK);
        assert!(aad_len(&Context::NONE).unwrap() <= AAD_STACK);
        // The heap and stack paths write the same layout.
        let mut expected = b"rampart/enc/v2\0\0\0\0\x01".to_vec();
        for part in ["t", "c", long.as_str()] {
            expected.extend_from_slice(&(part.len() as u32).to_be_bytes());
            expected.extend_from_slice(part.as_bytes());
        }
        assert_eq!(aad_of(&ctx), expected);
        assert_eq!(
            aad_of(&Context::NONE),
            b"rampart/enc/v2\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\0"
        );
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
