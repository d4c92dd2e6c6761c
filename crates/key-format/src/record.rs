//! What is issued (the plaintext, once) and what is stored (never the plaintext).

use std::fmt;

use zeroize::Zeroizing;

use crate::{ScopeSet, Timestamp};

/// The salted hash of a key as stored: HMAC-SHA256 under the deployment's pepper (see
/// [`KeyManager`](crate::KeyManager)). 32 bytes; serialised as 64 lower-case hex characters.
///
/// `==` compares in constant time (`subtle`), so a host that checks a stored hash itself, for
/// example in its own [`KeyStore`](crate::KeyStore), cannot leak it through timing.
#[derive(Clone, Copy)]
pub struct KeyHash(pub(crate) [u8; 32]);

impl PartialEq for KeyHash {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl Eq for KeyHash {}

impl KeyHash {
    /// The raw bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Rebuilds a hash read back from storage.
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Lower-case hex.
    #[must_use]
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(hex_digit(b >> 4));
            s.push(hex_digit(b & 0x0f));
        }
        s
    }

    /// Parses 64 hex characters (either case). `None` for anything else.
    #[must_use]
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            *slot = u8::try_from(hi * 16 + lo).ok()?;
        }
        Some(Self(out))
    }
}

fn hex_digit(n: u8) -> char {
    char::from_digit(u32::from(n), 16).unwrap_or('0')
}

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyHash({})", self.to_hex())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for KeyHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for KeyHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 64 hex characters"))
    }
}

/// What a host persists for one key. Holds the public key id, the prefix and the salted hash,
/// never the plaintext, so a leaked table grants nothing without the pepper and the keys.
///
/// Fields are public so a database-backed [`KeyStore`](crate::KeyStore) can rebuild a record from
/// a row; only [`KeyManager::issue`](crate::KeyManager::issue) makes a hash that verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KeyRecord {
    /// The public key id (12 base62 characters; the store's lookup handle).
    pub key_id: String,
    /// The prefix the key was issued under.
    pub prefix: String,
    /// HMAC-SHA256(pepper, whole key).
    pub hash: KeyHash,
    /// Whether the key carries an HMAC tag.
    pub tagged: bool,
    /// The scopes granted.
    pub scopes: ScopeSet,
    /// The principal (user, service account, tenant) the key acts for; kept across rotation.
    pub principal: Option<String>,
    /// A human label ("CI deploy key").
    pub label: Option<String>,
    /// When the key was issued.
    pub created_at: Timestamp,
    /// When the key stops working (`None`: no expiry). Rotation sets it to the grace deadline.
    pub expires_at: Option<Timestamp>,
    /// When the key was revoked (`None`: not revoked).
    pub revoked_at: Option<Timestamp>,
    /// When the key last verified successfully (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// The key id this key replaced in a rotation.
    pub replaces: Option<String>,
}

/// A newly issued key: the plaintext, to show the user exactly once, and the record to persist.
///
/// The plaintext can only be moved out (by [`IssuedKey::into_parts`]); it lives in
/// zeroize-on-drop memory and `Debug` prints `[redacted]`.
pub struct IssuedKey {
    pub(crate) key: PlaintextKey,
    pub(crate) record: KeyRecord,
}

impl IssuedKey {
    /// The record to persist (also available after [`IssuedKey::into_parts`]).
    #[must_use]
    pub fn record(&self) -> &KeyRecord {
        &self.record
    }

    /// Splits into the plaintext and the record. The plaintext is handed out once: show it, then
    /// drop it.
    #[must_use]
    pub fn into_parts(self) -> (PlaintextKey, KeyRecord) {
        (self.key, self.record)
    }
}

impl fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedKey")
            .field("key", &self.key)
            .field("record", &self.record)
            .finish()
    }
}

/// The plaintext of a key, zeroized on drop. `Debug` prints `[redacted]`; there is no `Display`.
pub struct PlaintextKey(pub(crate) Zeroizing<String>);

impl PlaintextKey {
    /// The key text, to show the user or hand to a client. Do not log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PlaintextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlaintextKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_hex_round_trip_and_rejects_garbage() {
        let h = KeyHash([0xab; 32]);
        let hex = h.to_hex();
        assert_eq!(hex.len(), 64);
        assert_eq!(KeyHash::from_hex(&hex), Some(h));
        assert_eq!(KeyHash::from_hex(&hex.to_uppercase()), Some(h));
        assert_eq!(KeyHash::from_hex(&hex[1..]), None);
        assert_eq!(KeyHash::from_hex(&"zz".repeat(32)), None);
        assert_eq!(KeyHash::from_hex(&"é".repeat(32)), None);
        let mut other = h;
        other.0[31] ^= 1;
        assert_ne!(h, other, "equality must still tell different hashes apart");
        assert_eq!(h, KeyHash(h.0));
    }
}
