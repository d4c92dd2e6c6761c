//! Verifying OmniRoute's API keys, `sk-{machineId}-{keyId}-{crc}`, for a migration path.
//!
//! OmniRoute derives the 8-hex `crc` from `machineId ‖ keyId` under its `API_KEY_SECRET`:
//! currently the first 8 hex characters of PBKDF2-HMAC-SHA256 (1000 iterations, the secret as
//! salt), before 2026-04-03 the first 8 hex characters of HMAC-SHA256. Its own parser also accepts
//! any two-part `sk-anything` with no check at all; this module never does. It checks the exact
//! layout (16 lower-case hex, 6 lower-case hex, 8 lower-case hex), then the crc in constant time.
//!
//! Only 32 bits of MAC protect such a key and the key id has 24 random bits: verify it, then
//! look the key up by its SHA-256 ([`omniroute_key_hash`], OmniRoute's `key_hash` column), and
//! reissue it in this crate's format at the first successful use.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Error;

const MACHINE_LEN: usize = 16;
const KEY_ID_LEN: usize = 6;
const CRC_LEN: usize = 8;
/// Length of a well-formed OmniRoute key: `sk-` + 16 + `-` + 6 + `-` + 8.
pub const OMNIROUTE_KEY_LEN: usize = 3 + MACHINE_LEN + 1 + KEY_ID_LEN + 1 + CRC_LEN;

/// Which of OmniRoute's two crc rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OmniRouteRule {
    /// PBKDF2-HMAC-SHA256(password = machineId ‖ keyId, salt = secret, 1000 iterations), first 4
    /// bytes as hex (OmniRoute since 2026-04-03).
    Pbkdf2,
    /// HMAC-SHA256(key = secret, machineId ‖ keyId), first 4 bytes as hex (older keys).
    LegacyHmac,
}

/// The parts of a verified OmniRoute key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OmniRouteKey<'a> {
    /// The 16-hex machine id.
    pub machine_id: &'a str,
    /// The 6-hex key id.
    pub key_id: &'a str,
}

/// Verifies an OmniRoute key under `api_key_secret` with `rule`.
///
/// # Errors
/// [`Error::InvalidConfig`] for an empty secret (OmniRoute rejects every key then, too);
/// [`Error::WrongPrefix`], [`Error::BadLength`], [`Error::BadCharacter`] for anything but the
/// exact four-part layout (so `sk-anything` and UUID machine ids are rejected);
/// [`Error::BadChecksum`] when the crc does not match under this secret and rule.
pub fn verify_omniroute_key<'a>(
    key: &'a str,
    api_key_secret: &[u8],
    rule: OmniRouteRule,
) -> Result<OmniRouteKey<'a>, Error> {
    if api_key_secret.is_empty() {
        return Err(Error::InvalidConfig {
            reason: "empty OmniRoute API_KEY_SECRET",
        });
    }
    let bytes = key.as_bytes();
    if !bytes.starts_with(b"sk-") {
        return Err(Error::WrongPrefix);
    }
    if bytes.len() != OMNIROUTE_KEY_LEN {
        return Err(Error::BadLength {
            expected: OMNIROUTE_KEY_LEN,
            found: bytes.len(),
        });
    }
    let dash1 = 3 + MACHINE_LEN;
    let dash2 = dash1 + 1 + KEY_ID_LEN;
    for (i, &b) in bytes.iter().enumerate().skip(3) {
        let ok = if i == dash1 || i == dash2 {
            b == b'-'
        } else {
            b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
        };
        if !ok {
            return Err(Error::BadCharacter { position: i });
        }
    }
    let machine_id = key.get(3..dash1).ok_or(Error::BadLength {
        expected: OMNIROUTE_KEY_LEN,
        found: bytes.len(),
    })?;
    let key_id = key.get(dash1 + 1..dash2).unwrap_or_default();
    let crc = bytes.get(dash2 + 1..).unwrap_or_default();

    let mut password = [0u8; MACHINE_LEN + KEY_ID_LEN];
    for (slot, b) in password
        .iter_mut()
        .zip(machine_id.bytes().chain(key_id.bytes()))
    {
        *slot = b;
    }
    let digest: [u8; 32] = match rule {
        OmniRouteRule::Pbkdf2 => {
            let mut out = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(&password, api_key_secret, 1000, &mut out);
            out
        }
        OmniRouteRule::LegacyHmac => {
            let mut mac =
                <Hmac<Sha256> as KeyInit>::new_from_slice(api_key_secret).map_err(|_| {
                    Error::InvalidConfig {
                        reason: "unusable OmniRoute API_KEY_SECRET",
                    }
                })?;
            mac.update(&password);
            mac.finalize().into_bytes().into()
        }
    };
    let mut expected = [0u8; CRC_LEN];
    for (pair, byte) in expected.chunks_exact_mut(2).zip(digest.iter()) {
        for (slot, nibble) in pair.iter_mut().zip([byte >> 4, byte & 0x0f]) {
            *slot = b"0123456789abcdef"
                .get(usize::from(nibble))
                .copied()
                .unwrap_or(b'0');
        }
    }
    if bool::from(expected.ct_eq(crc)) {
        Ok(OmniRouteKey { machine_id, key_id })
    } else {
        Err(Error::BadChecksum)
    }
}

/// SHA-256 of the whole key, as OmniRoute stores it in `api_keys.key_hash` (hex-encode it to
/// compare with the column). Use it to find the record of a key that verified.
#[must_use]
pub fn omniroute_key_hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const S1: &[u8] = b"test-api-key-secret-0123456789abcdef";

    #[test]
    fn known_key_under_both_rules() {
        let k = "sk-1a2b3c4d5e6f7a8b-75161f-31ee2c4b";
        let parts = verify_omniroute_key(k, S1, OmniRouteRule::Pbkdf2).unwrap();
        assert_eq!(parts.machine_id, "1a2b3c4d5e6f7a8b");
        assert_eq!(parts.key_id, "75161f");
        assert!(matches!(
            verify_omniroute_key(k, S1, OmniRouteRule::LegacyHmac),
            Err(Error::BadChecksum)
        ));
        assert!(matches!(
            verify_omniroute_key(k, b"", OmniRouteRule::Pbkdf2),
            Err(Error::InvalidConfig { .. })
        ));
    }
}
