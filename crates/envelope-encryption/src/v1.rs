//! OmniRoute's `enc:v1:` field format, bit for bit.
//!
//! Layout: `enc:v1:<iv>:<ciphertext>:<tag>`, each field hex (written lower-case, read in either
//! case), AES-256-GCM with a 16-byte IV, a 16-byte tag and no associated data. The key is
//! `scrypt(N = 16384, r = 8, p = 1, dkLen = 32)` over the UTF-8 bytes of the key string (a
//! hex-looking key is *not* hex-decoded) with the fixed salt `omniroute-field-encryption-v1`.
//!
//! Reading follows OmniRoute's `decrypt()` where it returns a value and rejects, with a typed
//! [`Error`], everything it returns `null` for, with two deliberate differences written down in
//! the crate README: a plaintext that is not UTF-8 is [`Error::NotUtf8`] (OmniRoute substitutes
//! U+FFFD; [`V1Cipher::decrypt_bytes`] gives the bytes), and the empty string is encrypted
//! (OmniRoute stores `""` as is; what we write still decrypts under OmniRoute's rules).
//!
//! v1 binds no context and carries no key id: prefer [`crate::Cipher`] (v2) for new data.

use aes_gcm::aead::consts::{U12, U16};
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce, Tag};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::encoding::{decode_hex, decode_hex_into, encode_hex};
use crate::key::{ScryptParams, SecretKey};
use crate::{Decrypted, Error};

/// The prefix of every v1 value.
pub const PREFIX: &str = "enc:v1:";
/// OmniRoute's fixed scrypt salt.
pub const SALT: &[u8] = b"omniroute-field-encryption-v1";
/// IV length OmniRoute writes.
pub const IV_LEN: usize = 16;
const TAG_LEN: usize = 16;

type Gcm16 = AesGcm<Aes256, U16>;
type Gcm12 = AesGcm<Aes256, U12>;

/// The two GCM instances one v1 key needs (16-byte IVs as written, 12-byte IVs as OmniRoute
/// also accepts).
#[derive(Clone)]
struct V1Key {
    iv16: Gcm16,
    iv12: Gcm12,
}

impl V1Key {
    fn new(key: &SecretKey) -> Self {
        Self {
            iv16: Gcm16::new(key.expose_secret().into()),
            iv12: Gcm12::new(key.expose_secret().into()),
        }
    }

    /// Authenticates and decrypts `buffer` (the ciphertext) in place. On failure `buffer` is
    /// cleared and [`Error::Decrypt`] returned.
    fn open_in_place(
        &self,
        iv: &Iv,
        tag: &[u8; TAG_LEN],
        buffer: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let tag = Tag::<U16>::from(*tag);
        let result = match iv {
            Iv::Twelve(iv) => self.iv12.decrypt_inout_detached(
                &Nonce::from(*iv),
                b"",
                buffer.as_mut_slice().into(),
                &tag,
            ),
            Iv::Sixteen(iv) => self.iv16.decrypt_inout_detached(
                &Nonce::from(*iv),
                b"",
                buffer.as_mut_slice().into(),
                &tag,
            ),
        };
        result.map_err(|_| {
            buffer.zeroize();
            buffer.clear();
            Error::Decrypt
        })
    }

    /// `enc:v1:<iv>:<ciphertext>:<tag>` with a fresh 16-byte IV: two allocations (the
    /// ciphertext, then the string of exact size).
    fn seal(&self, plaintext: &[u8]) -> Result<String, Error> {
        let mut iv = [0u8; IV_LEN];
        getrandom::fill(&mut iv).map_err(|_| Error::Random)?;
        let mut buffer = plaintext.to_vec();
        let tag = match self.iv16.encrypt_inout_detached(
            &Nonce::from(iv),
            b"",
            buffer.as_mut_slice().into(),
        ) {
            Ok(tag) => tag,
            Err(_) => {
                // Still the plaintext.
                buffer.zeroize();
                return Err(Error::Malformed {
                    what: "plaintext too long for AES-GCM",
                });
            }
        };
        let mut out = Vec::with_capacity(PREFIX.len() + 2 * (IV_LEN + buffer.len() + TAG_LEN) + 2);
        out.extend_from_slice(PREFIX.as_bytes());
        encode_hex(&iv, &mut out);
        out.push(b':');
        encode_hex(&buffer, &mut out);
        out.push(b':');
        encode_hex(tag.as_slice(), &mut out);
        // All ASCII by construction; the check is one fast pass.
        String::from_utf8(out).map_err(|_| Error::Malformed {
            what: "internal hex encoding",
        })
    }
}

enum Iv {
    Twelve([u8; 12]),
    Sixteen([u8; 16]),
}

struct Parts {
    iv: Iv,
    ciphertext: Vec<u8>,
    tag: [u8; TAG_LEN],
}

/// A hex field of exactly `N` bytes. `not_hex` for any non-hex field (whatever its length),
/// else `wrong_len` for a length other than `2 * N` digits.
fn hex_field<const N: usize>(
    field: &[u8],
    not_hex: &'static str,
    wrong_len: &'static str,
) -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    if field.len() == 2 * N && decode_hex_into(field, &mut bytes) {
        return Ok(bytes);
    }
    let is_hex = field.len().is_multiple_of(2) && field.iter().all(u8::is_ascii_hexdigit);
    let what = if is_hex { wrong_len } else { not_hex };
    Err(Error::Malformed { what })
}

/// Parses the part after `enc:v1:`.
fn parse(body: &str) -> Result<Parts, Error> {
    // OmniRoute (Node's hex decoder) ignores a trailing line feed; accept exactly that much.
    let body = body
        .strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .unwrap_or(body);
    let mut fields = body.split(':');
    let (Some(iv), Some(ct), Some(tag), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(Error::Malformed {
            what: "expected exactly three fields iv:ciphertext:tag",
        });
    };
    let iv = iv.as_bytes();
    let (not_hex, wrong_len) = ("iv is not hex", "iv must be 16 (or 12) bytes");
    let iv = if iv.len() == 2 * 12 {
        Iv::Twelve(hex_field(iv, not_hex, wrong_len)?)
    } else {
        Iv::Sixteen(hex_field(iv, not_hex, wrong_len)?)
    };
    let ciphertext = decode_hex(ct.as_bytes()).ok_or(Error::Malformed {
        what: "ciphertext is not hex",
    })?;
    let tag = hex_field(tag.as_bytes(), "tag is not hex", "tag must be 16 bytes")?;
    Ok(Parts {
        iv,
        ciphertext,
        tag,
    })
}

fn into_string(bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let mut bytes = e.into_bytes();
        bytes.zeroize();
        Error::NotUtf8
    })
}

/// The result of [`V1Cipher::migrate`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Migration {
    /// The value is already under the current (static-salt) key: keep it.
    Current,
    /// The value was under the legacy dynamic-salt key; store this replacement.
    Migrated(String),
    /// The value was not encrypted at all (no `enc:v1:` prefix).
    WasPlaintext,
}

/// An OmniRoute v1 cipher: one key string, derived once at construction.
#[derive(Clone)]
pub struct V1Cipher {
    // Boxed: each key schedule is kilobytes; the cipher stays small to move and embed.
    current: Box<V1Key>,
    legacy: Option<Box<V1Key>>,
}

impl core::fmt::Debug for V1Cipher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("V1Cipher([redacted])")
    }
}

impl V1Cipher {
    /// Derives the v1 key from `STORAGE_ENCRYPTION_KEY`'s value (scrypt, about 20-50 ms: do it
    /// once at start-up and share the cipher).
    pub fn from_key_string(key: &str) -> Result<Self, Error> {
        if key.is_empty() {
            return Err(Error::InvalidKey {
                what: "the key string is empty",
            });
        }
        let derived = SecretKey::derive(key.as_bytes(), SALT, &ScryptParams::OMNIROUTE)?;
        Ok(Self::from_derived_key(&derived))
    }

    /// Uses an already derived 32-byte key (the scrypt output), for hosts that cache it.
    pub fn from_derived_key(key: &SecretKey) -> Self {
        Self {
            current: Box::new(V1Key::new(key)),
            legacy: None,
        }
    }

    /// Also derives OmniRoute's older dynamic-salt key (salt = the first 16 bytes of
    /// SHA-256 of the key string), so [`V1Cipher::migrate`] can move old values to the current
    /// key. [`V1Cipher::decrypt`] never uses it.
    pub fn with_legacy_dynamic_salt(mut self, key: &str) -> Result<Self, Error> {
        let digest = Sha256::digest(key.as_bytes());
        let salt = digest.get(..16).ok_or(Error::InvalidKey {
            what: "digest too short",
        })?;
        let derived = SecretKey::derive(key.as_bytes(), salt, &ScryptParams::OMNIROUTE)?;
        self.legacy = Some(Box::new(V1Key::new(&derived)));
        Ok(self)
    }

    /// Encrypts a UTF-8 string into a fresh `enc:v1:` value (random 16-byte IV).
    pub fn encrypt(&self, plaintext: &str) -> Result<String, Error> {
        self.current.seal(plaintext.as_bytes())
    }

    /// Encrypts bytes (OmniRoute itself only ever encrypts UTF-8 strings).
    pub fn encrypt_bytes(&self, plaintext: &[u8]) -> Result<String, Error> {
        self.current.seal(plaintext)
    }

    /// Decrypts a stored value. A value without the exact `enc:v1:` prefix is returned as
    /// [`Decrypted::WasPlaintext`], never silently as if it had been decrypted.
    pub fn decrypt(&self, stored: &str) -> Result<Decrypted, Error> {
        match self.decrypt_bytes(stored)? {
            Decrypted::Plaintext(bytes) => Ok(Decrypted::Plaintext(into_string(bytes)?)),
            Decrypted::WasPlaintext(s) => Ok(Decrypted::WasPlaintext(s)),
        }
    }

    /// Like [`V1Cipher::decrypt`] but keeps the plaintext as bytes (no UTF-8 check).
    pub fn decrypt_bytes(&self, stored: &str) -> Result<Decrypted<Vec<u8>>, Error> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            return Ok(Decrypted::WasPlaintext(stored.to_owned()));
        };
        let mut parts = parse(body)?;
        self.current
            .open_in_place(&parts.iv, &parts.tag, &mut parts.ciphertext)?;
        Ok(Decrypted::Plaintext(parts.ciphertext))
    }

    /// OmniRoute's `migrateLegacyEncryptedString()`: a value under the current key is
    /// [`Migration::Current`]; a value under the legacy dynamic-salt key (configured with
    /// [`V1Cipher::with_legacy_dynamic_salt`]) is re-encrypted under the current key without
    /// the plaintext leaving this call.
    pub fn migrate(&self, stored: &str) -> Result<Migration, Error> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            return Ok(Migration::WasPlaintext);
        };
        let parts = parse(body)?;
        let mut attempt = Zeroizing::new(parts.ciphertext.clone());
        if self
            .current
            .open_in_place(&parts.iv, &parts.tag, &mut attempt)
            .is_ok()
        {
            return Ok(Migration::Current);
        }
        let legacy = self.legacy.as_ref().ok_or(Error::Decrypt)?;
        let mut plaintext = Zeroizing::new(parts.ciphertext);
        legacy.open_in_place(&parts.iv, &parts.tag, &mut plaintext)?;
        Ok(Migration::Migrated(self.current.seal(&plaintext)?))
    }
}

/// OmniRoute's two modes in one type: with a key, or the explicit no-key passthrough mode
/// (OmniRoute's behaviour when `STORAGE_ENCRYPTION_KEY` is unset), which a host must ask for by
/// name with [`V1Store::insecure_passthrough`].
#[derive(Debug, Clone)]
pub struct V1Store {
    cipher: Option<V1Cipher>,
}

impl V1Store {
    /// Encrypting mode.
    pub fn new(cipher: V1Cipher) -> Self {
        Self {
            cipher: Some(cipher),
        }
    }

    /// No-key mode: [`V1Store::encrypt`] stores plaintext unchanged, [`V1Store::decrypt`]
    /// returns unprefixed values as [`Decrypted::WasPlaintext`] and refuses encrypted ones with
    /// [`Error::NoKey`].
    ///
    /// # Security
    /// Secrets are stored in the clear. Only for development, and only by explicit choice.
    pub fn insecure_passthrough() -> Self {
        Self { cipher: None }
    }

    /// Whether this store encrypts.
    pub fn is_encrypting(&self) -> bool {
        self.cipher.is_some()
    }

    /// Encrypts, or in passthrough mode returns the plaintext unchanged.
    pub fn encrypt(&self, plaintext: &str) -> Result<String, Error> {
        match &self.cipher {
            Some(cipher) => cipher.encrypt(plaintext),
            None => Ok(plaintext.to_owned()),
        }
    }

    /// Decrypts; see [`V1Store::insecure_passthrough`] for the no-key behaviour.
    pub fn decrypt(&self, stored: &str) -> Result<Decrypted, Error> {
        match &self.cipher {
            Some(cipher) => cipher.decrypt(stored),
            None if stored.starts_with(PREFIX) => Err(Error::NoKey),
            None => Ok(Decrypted::WasPlaintext(stored.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> V1Cipher {
        V1Cipher::from_derived_key(&SecretKey::from_bytes([9; 32]))
    }

    #[test]
    fn parse_names_the_first_bad_field() {
        let what = |body: &str| match parse(body) {
            Err(Error::Malformed { what }) => what,
            other => panic!("{body}: {:?}", other.map(|p| p.ciphertext)),
        };
        let (iv16, iv12, tag) = ("00".repeat(16), "00".repeat(12), "00".repeat(16));
        assert!(matches!(
            parse(&format!("{iv16}:00:{tag}")).unwrap().iv,
            Iv::Sixteen(_)
        ));
        assert!(matches!(
            parse(&format!("{iv12}:00:{tag}")).unwrap().iv,
            Iv::Twelve(_)
        ));
        assert_eq!(
            what(&format!("{}:00:{tag}", "00".repeat(8))),
            "iv must be 16 (or 12) bytes"
        );
        assert_eq!(
            what(&format!("{}:zz:{tag}", "0g".repeat(8))),
            "iv is not hex"
        );
        assert_eq!(
            what(&format!("{}0g:00:{tag}", "00".repeat(15))),
            "iv is not hex"
        );
        assert_eq!(what(&format!("{iv16}:zz:0")), "ciphertext is not hex");
        assert_eq!(
            what(&format!("{iv16}:00:{}", "00".repeat(15))),
            "tag must be 16 bytes"
        );
        assert_eq!(what(&format!("{iv16}:00:0")), "tag is not hex");
        assert_eq!(
            what(&format!("{iv16}:00:{}0g", "00".repeat(15))),
            "tag is not hex"
        );
    }

    #[test]
    fn round_trip_and_layout() {
        let c = cipher();
        let stored = c.encrypt("hello").unwrap();
        let fields: Vec<&str> = stored.strip_prefix(PREFIX).unwrap().split(':').collect();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0].len(), 32);
        assert_eq!(fields[1].len(), 10);
        assert_eq!(fields[2].len(), 32);
        assert!(stored.bytes().all(|b| !b.is_ascii_uppercase()));
        assert_eq!(
            c.decrypt(&stored).unwrap(),
            Decrypted::Plaintext("hello".into())
        );
        assert_eq!(
            c.decrypt("").unwrap(),
            Decrypted::WasPlaintext(String::new())
        );
        let empty = c.encrypt("").unwrap();
        assert_eq!(
            c.decrypt(&empty).unwrap(),
            Decrypted::Plaintext(String::new())
        );
    }

    #[test]
    fn malformed_values_are_typed_errors() {
        let c = cipher();
        for bad in [
            "enc:v1:",
            "enc:v1:00:00",
            "enc:v1:00:00:00:00",
            "enc:v1:zz:00:00",
            "enc:v1:0011:00:00112233445566778899aabbccddeeff",
        ] {
            assert!(
                matches!(c.decrypt(bad), Err(Error::Malformed { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn passthrough_store() {
        let store = V1Store::insecure_passthrough();
        assert!(!store.is_encrypting());
        assert_eq!(store.encrypt("x").unwrap(), "x");
        assert_eq!(store.decrypt("enc:v1:00:00:00"), Err(Error::NoKey));
        assert_eq!(format!("{:?}", cipher()), "V1Cipher([redacted])");
    }
}
