//! The server secret and the MAC keys derived from it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::Error;
use crate::hygiene::SecretProblem;

type HmacSha256 = Hmac<Sha256>;

/// The deployment's server secret (for example from `RAMPART_KEY_SECRET`). Every MAC key of this
/// crate is derived from it with HMAC-SHA256 under a distinct label, so one secret can serve key
/// tags, the key-hash pepper, sign-in tokens, signed links and CSRF tokens without any two uses
/// sharing a key.
///
/// Held in zeroize-on-drop memory; `Debug` prints `[redacted]`; no `Display`.
///
/// # Security
/// At least 32 bytes are required. [`ServerSecret::from_bytes`] checks only the length: call
/// [`check_secret`](crate::check_secret) on a configured value first (the `rampart` CLI does), so
/// that `changeme…` placeholders and repeated characters are refused at start-up.
#[derive(Clone)]
pub struct ServerSecret(Zeroizing<Vec<u8>>);

impl ServerSecret {
    /// The shortest secret accepted, in bytes.
    pub const MIN_LEN: usize = 32;

    /// Wraps `bytes` (copied into zeroizing memory).
    ///
    /// # Errors
    /// [`Error::WeakSecret`] when shorter than [`ServerSecret::MIN_LEN`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() < Self::MIN_LEN {
            return Err(Error::WeakSecret {
                name: "server secret".to_owned(),
                problem: SecretProblem::TooShort {
                    len: bytes.len(),
                    min: Self::MIN_LEN,
                },
            });
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// A fresh 32-byte secret from the OS CSPRNG (for tests and first-run setup; persist it).
    ///
    /// # Errors
    /// [`Error::Randomness`] when the OS generator fails.
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = Zeroizing::new(vec![0u8; Self::MIN_LEN]);
        getrandom::fill(&mut bytes).map_err(|_| Error::Randomness)?;
        Ok(Self(bytes))
    }

    /// The MAC key for one purpose: HMAC-SHA256(secret, "rampart/key-format/v1/" ‖ label).
    pub(crate) fn derive(&self, label: &str) -> MacKey {
        let mut sub = Zeroizing::new([0u8; 32]);
        if let Ok(mut mac) = HmacSha256::new_from_slice(&self.0) {
            mac.update(b"rampart/key-format/v1/");
            mac.update(label.as_bytes());
            sub.copy_from_slice(&mac.finalize().into_bytes());
        }
        MacKey::new(&*sub)
    }
}

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret([redacted])")
    }
}

/// A keyed HMAC-SHA256 state, cloned per use so the key schedule runs once.
#[derive(Clone)]
pub(crate) struct MacKey(HmacSha256);

impl MacKey {
    fn new(key: &[u8]) -> Self {
        // HMAC zero-pads keys shorter than the 64-byte SHA-256 block: building that block here is
        // exactly HMAC with `key` (<= 64 bytes; the derived keys are 32) and cannot fail.
        let mut block = Zeroizing::new([0u8; 64]);
        let n = key.len().min(64);
        if let (Some(dst), Some(src)) = (block.get_mut(..n), key.get(..n)) {
            dst.copy_from_slice(src);
        }
        Self(<HmacSha256 as KeyInit>::new(&(*block).into()))
    }

    /// HMAC over the concatenation of `parts`, each preceded by its length (so part boundaries
    /// are unambiguous, unlike OmniRoute's `machineId + keyId`).
    pub(crate) fn mac_parts(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.0.clone();
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// HMAC over `data` as is.
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = self.0.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_are_refused_and_debug_is_redacted() {
        assert!(matches!(
            ServerSecret::from_bytes(&[7u8; 31]),
            Err(Error::WeakSecret { .. })
        ));
        let s = ServerSecret::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(format!("{s:?}"), "ServerSecret([redacted])");
    }

    #[test]
    fn labels_give_independent_keys() {
        let s = ServerSecret::generate().unwrap();
        let a = s.derive("tag").mac(b"x");
        let b = s.derive("pepper").mac(b"x");
        assert_ne!(a, b);
        assert_eq!(a, s.derive("tag").mac(b"x"));
        // Length-prefixed parts: ("ab","c") and ("a","bc") differ.
        let k = s.derive("t");
        assert_ne!(k.mac_parts(&[b"ab", b"c"]), k.mac_parts(&[b"a", b"bc"]));
    }
}
