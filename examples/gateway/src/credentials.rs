//! Provider credentials at rest: envelope-encryption v2 values (`enc:v2:k1:…`, AES-256-GCM)
//! bound to their row by AAD (`credentials.value.<name>`), so a ciphertext copied to another
//! credential's row does not decrypt. Decrypted values live only in memory, zeroized on drop.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use envelope_encryption::{Cipher, Context, KeyRing, SecretKey};
use zeroize::Zeroizing;

use crate::error::StartError;
use crate::secrets::{Origin, Secret};
use crate::store::Db;

/// Why a credential operation failed (never holds the value).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] crate::store::DbError),
    /// Encryption or decryption failed (a wrong master key, or a tampered or moved value).
    #[error("credential {name}: {source}")]
    Crypto {
        /// The credential's name.
        name: String,
        /// What envelope-encryption said.
        source: envelope_encryption::Error,
    },
    /// No credential of that name.
    #[error("no credential named {0}")]
    Missing(String),
}

/// Largest credential accepted (bytes).
pub const MAX_CREDENTIAL_LEN: usize = 8 * 1024;

/// The encrypted credential store.
pub struct Credentials {
    cipher: Cipher,
    db: Arc<Db>,
    cache: RwLock<HashMap<String, Arc<Zeroizing<String>>>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials([redacted])")
    }
}

/// The salt of the passphrase derivation of `RAMPART_MASTER_KEY` (fixed: one key per
/// deployment, derived once at start).
const MASTER_SALT: &[u8] = b"rampart-gateway-master-key-v1";

/// The master key from its secret. A generated key file holds the raw key; from the
/// environment (`RAMPART_MASTER_KEY`), 64 hex characters are a raw key and anything else a
/// passphrase (scrypt, N=2^15, r=8, p=1, derived once at start).
pub fn master_key(secret: &Secret, origin: Origin) -> Result<SecretKey, StartError> {
    let component = |e: envelope_encryption::Error| StartError::Component {
        component: "envelope-encryption",
        reason: e.to_string(),
    };
    let bytes = secret.expose();
    if origin != Origin::Env {
        return SecretKey::from_slice(bytes).map_err(component);
    }
    if bytes.len() == 64
        && let Ok(text) = std::str::from_utf8(bytes)
        && text.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return SecretKey::from_hex(text).map_err(component);
    }
    let params = envelope_encryption::ScryptParams::new(15, 8, 1).map_err(component)?;
    SecretKey::derive(bytes, MASTER_SALT, &params).map_err(component)
}

fn context(name: &str) -> Context<'_> {
    Context::new("credentials", "value", name)
}

impl Credentials {
    /// A store encrypting under `key` (key id 1).
    pub fn new(key: SecretKey, db: Arc<Db>) -> Result<Self, StartError> {
        let ring =
            KeyRing::builder()
                .primary(1, key)
                .build()
                .map_err(|e| StartError::Component {
                    component: "envelope-encryption",
                    reason: e.to_string(),
                })?;
        Ok(Self {
            cipher: Cipher::new(ring),
            db,
            cache: RwLock::new(HashMap::new()),
        })
    }

    /// Encrypts and stores `value` under `name`.
    pub fn put(&self, name: &str, value: &str, now: i64) -> Result<(), CredentialError> {
        let stored = self
            .cipher
            .encrypt(value, &context(name))
            .map_err(|source| CredentialError::Crypto {
                name: name.into(),
                source,
            })?;
        self.db.put_credential(name, &stored, now)?;
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name);
        Ok(())
    }

    /// The decrypted credential `name` (cached in memory after the first read).
    pub fn get(&self, name: &str) -> Result<Arc<Zeroizing<String>>, CredentialError> {
        if let Some(v) = self
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
        {
            return Ok(v.clone());
        }
        let stored = self
            .db
            .credential(name)?
            .ok_or_else(|| CredentialError::Missing(name.into()))?;
        let plain = self
            .cipher
            .decrypt(&stored, &context(name))
            .map_err(|source| CredentialError::Crypto {
                name: name.into(),
                source,
            })?;
        let plain = Arc::new(Zeroizing::new(plain));
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.into(), plain.clone());
        Ok(plain)
    }

    /// Names and update times (never values).
    pub fn names(&self) -> Result<Vec<(String, i64)>, CredentialError> {
        Ok(self.db.credential_names()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_row_binding() {
        let dir = tempfile::tempdir().unwrap();
        let db = Arc::new(Db::open(dir.path()).unwrap());
        let creds = Credentials::new(SecretKey::generate().unwrap(), db.clone()).unwrap();
        creds.put("openai", "sk-test-value-123", 1).unwrap();
        creds.put("other", "x", 1).unwrap();
        assert_eq!(creds.get("openai").unwrap().as_str(), "sk-test-value-123");
        let stored = db.credential("openai").unwrap().unwrap();
        assert!(stored.starts_with("enc:v2:k1:"));
        assert!(!stored.contains("sk-test"));
        // The ciphertext moved to another row does not decrypt there.
        db.put_credential("other", &stored, 2).unwrap();
        let fresh = Credentials::new(SecretKey::generate().unwrap(), db).unwrap();
        assert!(matches!(
            fresh.get("other"),
            Err(CredentialError::Crypto { .. })
        ));
        assert!(matches!(
            fresh.get("none"),
            Err(CredentialError::Missing(_))
        ));
    }
}
