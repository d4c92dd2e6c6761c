//! Key material: raw 256-bit keys and scrypt derivation with declared parameters.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::Error;

/// Length of every AES-256 key in this crate.
pub const KEY_LEN: usize = 32;

/// A 256-bit secret key. Zeroized on drop; `Debug` prints `[redacted]`; no `Display`, no
/// `Clone` (a copy is an explicit [`SecretKey::from_bytes`] of bytes the caller holds).
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SecretKey([u8; KEY_LEN]);

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

impl SecretKey {
    /// Wraps 32 raw key bytes (for example from a KMS or a secrets manager).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// Copies a 32-byte slice; any other length is [`Error::InvalidKey`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let array: [u8; KEY_LEN] = bytes.try_into().map_err(|_| Error::InvalidKey {
            what: "a raw key must be exactly 32 bytes",
        })?;
        Ok(Self(array))
    }

    /// Parses 64 hex digits (either case) into a raw key. Constant-time in the digits: no
    /// table lookup and no branch depends on the key (only on its length), so loading a key
    /// leaks nothing about it through caches or branch predictors.
    pub fn from_hex(hex_key: &str) -> Result<Self, Error> {
        let digits = hex_key.trim().as_bytes();
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        let mut invalid = 0u8;
        if digits.len() == 2 * KEY_LEN {
            for (out, pair) in bytes.iter_mut().zip(digits.as_chunks::<2>().0) {
                let (hi, hi_bad) = ct_hex_digit(pair[0]);
                let (lo, lo_bad) = ct_hex_digit(pair[1]);
                invalid |= hi_bad | lo_bad;
                *out = (hi << 4) | lo;
            }
        } else {
            invalid = 1;
        }
        if invalid != 0 {
            return Err(Error::InvalidKey {
                what: "a hex key must be exactly 64 hex digits",
            });
        }
        Ok(Self(*bytes))
    }

    /// A fresh random key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = [0u8; KEY_LEN];
        getrandom::fill(&mut bytes).map_err(|_| Error::Random)?;
        Ok(Self(bytes))
    }

    /// Derives a key from a passphrase with scrypt. This is deliberately slow (tens of
    /// milliseconds at the default cost): call it once per key at start-up, never per value.
    pub fn derive(passphrase: &[u8], salt: &[u8], params: &ScryptParams) -> Result<Self, Error> {
        let mut out = [0u8; KEY_LEN];
        params.derive_into(passphrase, salt, &mut out)?;
        Ok(Self(out))
    }

    /// The raw bytes, for wrapping by a key-encryption key or handing to a KMS.
    ///
    /// # Security
    /// Whatever you copy them into is yours to zeroize.
    pub fn expose_secret(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

/// The value of a hex digit (either case) and `0xFF` if `c` is not one (else 0), computed with
/// arithmetic only: no branch, no table indexed by `c`.
fn ct_hex_digit(c: u8) -> (u8, u8) {
    let c = i16::from(c);
    let digit = c - i16::from(b'0');
    let letter = (c | 0x20) - i16::from(b'a');
    // -1 (all ones) when 0 <= x <= max, else 0: the sign bit of (x | (max - x)), inverted.
    let in_range = |x: i16, max: i16| !((x | (max - x)) >> 15);
    let is_digit = in_range(digit, 9);
    let is_letter = in_range(letter, 5);
    let value = (digit & is_digit) | ((letter + 10) & is_letter);
    let invalid = !(is_digit | is_letter);
    ((value & 0x0F) as u8, (invalid & 0xFF) as u8)
}

/// Declared scrypt parameters (`N = 2^log_n`, `r`, `p`). The values used for a key are part of
/// its definition: store them next to the key id, never guess them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScryptParams {
    log_n: u8,
    r: u32,
    p: u32,
}

impl ScryptParams {
    /// OmniRoute's parameters (`N = 16384, r = 8, p = 1`), used by the v1 format.
    pub const OMNIROUTE: Self = Self {
        log_n: 14,
        r: 8,
        p: 1,
    };

    /// This crate's default for passphrase-derived v2 keys: `N = 2^15, r = 8, p = 1`
    /// (32 MiB of memory, about 0.1 s on a current core).
    pub const DEFAULT: Self = Self {
        log_n: 15,
        r: 8,
        p: 1,
    };

    /// Validated parameters: `1 <= log_n <= 24` (at most 2 GiB of memory with `r = 8`),
    /// `1 <= r <= 32`, `1 <= p <= 16`. The bounds keep a hostile configuration from asking for
    /// unbounded memory or time.
    pub fn new(log_n: u8, r: u32, p: u32) -> Result<Self, Error> {
        if !(1..=24).contains(&log_n) {
            return Err(Error::InvalidKdfParams {
                what: "log_n must be between 1 and 24",
            });
        }
        if !(1..=32).contains(&r) {
            return Err(Error::InvalidKdfParams {
                what: "r must be between 1 and 32",
            });
        }
        if !(1..=16).contains(&p) {
            return Err(Error::InvalidKdfParams {
                what: "p must be between 1 and 16",
            });
        }
        Ok(Self { log_n, r, p })
    }

    /// `log2(N)`.
    pub fn log_n(&self) -> u8 {
        self.log_n
    }

    /// The block-size parameter `r`.
    pub fn r(&self) -> u32 {
        self.r
    }

    /// The parallelism parameter `p`.
    pub fn p(&self) -> u32 {
        self.p
    }

    /// Raw scrypt (RFC 7914) into `out` (1 to 1024 bytes). [`SecretKey::derive`] is the usual
    /// entry point; this exists for other output lengths and for the RFC test vectors.
    pub fn derive_into(&self, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), Error> {
        if out.is_empty() || out.len() > 1024 {
            return Err(Error::InvalidKdfParams {
                what: "output length must be between 1 and 1024 bytes",
            });
        }
        let params = scrypt::Params::new(self.log_n, self.r, self.p).map_err(|_| {
            Error::InvalidKdfParams {
                what: "rejected by scrypt",
            }
        })?;
        scrypt::scrypt(password, salt, &params, out).map_err(|_| Error::InvalidKdfParams {
            what: "output length rejected by scrypt",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let key = SecretKey::from_bytes([7; 32]);
        assert_eq!(format!("{key:?}"), "SecretKey([redacted])");
    }

    #[test]
    fn lengths_are_checked() {
        assert!(SecretKey::from_slice(&[0; 31]).is_err());
        assert!(SecretKey::from_slice(&[0; 32]).is_ok());
        assert!(SecretKey::from_hex("00").is_err());
        assert!(SecretKey::from_hex(&"Ab".repeat(32)).is_ok());
        assert!(SecretKey::from_hex(&"zz".repeat(32)).is_err());
    }

    #[test]
    fn constant_time_hex_digit_matches_the_definition() {
        for c in 0..=255u8 {
            let expected = (c as char).to_digit(16);
            let (value, invalid) = ct_hex_digit(c);
            match expected {
                Some(v) => assert_eq!((value, invalid), (v as u8, 0), "{c}"),
                None => assert_eq!(invalid, 0xFF, "{c}"),
            }
        }
        let key = SecretKey::from_hex(&format!("  {}\n", "0f".repeat(31) + "A9")).unwrap();
        assert_eq!(key.expose_secret()[..2], [0x0f, 0x0f]);
        assert_eq!(key.expose_secret()[31], 0xa9);
        assert!(SecretKey::from_hex(&("0f".repeat(31) + "g9")).is_err());
        assert!(SecretKey::from_hex(&"0f".repeat(33)).is_err());
    }

    #[test]
    fn params_are_bounded() {
        assert!(ScryptParams::new(0, 8, 1).is_err());
        assert!(ScryptParams::new(25, 8, 1).is_err());
        assert!(ScryptParams::new(14, 0, 1).is_err());
        assert!(ScryptParams::new(14, 8, 17).is_err());
        assert_eq!(
            ScryptParams::new(14, 8, 1).unwrap(),
            ScryptParams::OMNIROUTE
        );
        let mut out = [0u8; 0];
        assert!(
            ScryptParams::new(1, 1, 1)
                .unwrap()
                .derive_into(b"", b"", &mut out)
                .is_err()
        );
    }

    #[test]
    fn generated_keys_differ() {
        let a = SecretKey::generate().unwrap();
        let b = SecretKey::generate().unwrap();
        assert_ne!(a.expose_secret(), b.expose_secret());
    }
}
