//! Low-level AES-256-GCM with an explicit 96-bit nonce: the primitive every format in this crate
//! is built on, exposed for interoperability and for the Wycheproof vectors.
//!
//! # Security
//! This is hazardous-materials API: the caller chooses the nonce. Encrypting two messages under
//! the same key and nonce reveals their XOR and the GHASH key (forgeries become possible). Use
//! [`crate::Cipher`] (random nonces, key ids, context binding) unless you are implementing a
//! protocol that fixes its own nonces.

use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce, Tag};

use crate::Error;
use crate::key::SecretKey;

/// Nonce length (96 bits).
pub const NONCE_LEN: usize = 12;
/// Tag length (128 bits).
pub const TAG_LEN: usize = 16;

type Gcm12 = AesGcm<Aes256, aes_gcm::aead::consts::U12>;

/// AES-256-GCM (96-bit nonce, 128-bit tag) under one key. The expanded key schedule is zeroized
/// on drop; `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct Aes256Gcm {
    inner: Gcm12,
}

impl core::fmt::Debug for Aes256Gcm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Aes256Gcm([redacted])")
    }
}

impl Aes256Gcm {
    /// Expands `key` once; reuse the value for every message under that key.
    pub fn new(key: &SecretKey) -> Self {
        Self {
            inner: Gcm12::new(key.expose_secret().into()),
        }
    }

    /// Encrypts `buffer` in place (the plaintext becomes the ciphertext) and appends the tag.
    pub fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let tag = self
            .inner
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, buffer.as_mut_slice().into())
            .map_err(|_| Error::Malformed {
                what: "message too long for AES-GCM",
            })?;
        buffer.extend_from_slice(tag.as_slice());
        Ok(())
    }

    /// Encrypts `buffer[offset..]` in place and appends the tag; `buffer[..offset]` (a header
    /// the caller wrote) is left as is. Lets a framed value be built in one allocation.
    pub fn seal_in_place_from(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut Vec<u8>,
        offset: usize,
    ) -> Result<(), Error> {
        let body = buffer.get_mut(offset..).ok_or(Error::Malformed {
            what: "offset beyond the buffer",
        })?;
        let tag = self
            .inner
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, body.into())
            .map_err(|_| Error::Malformed {
                what: "message too long for AES-GCM",
            })?;
        buffer.extend_from_slice(tag.as_slice());
        Ok(())
    }

    /// Out of place: seals `plaintext` into `out`, which must be exactly
    /// `plaintext.len() + TAG_LEN` bytes (`ciphertext || tag`). One pass, no copy.
    pub fn seal_into(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        let (body, tag_out) =
            out.split_at_mut_checked(plaintext.len())
                .ok_or(Error::Malformed {
                    what: "output buffer has the wrong length",
                })?;
        if tag_out.len() != TAG_LEN {
            return Err(Error::Malformed {
                what: "output buffer has the wrong length",
            });
        }
        let buf = InOutBuf::new(plaintext, body).map_err(|_| Error::Malformed {
            what: "output buffer has the wrong length",
        })?;
        let tag = self
            .inner
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, buf)
            .map_err(|_| Error::Malformed {
                what: "message too long for AES-GCM",
            })?;
        tag_out.copy_from_slice(tag.as_slice());
        Ok(())
    }

    /// Out of place: authenticates `ciphertext || tag` and decrypts it into `out`, which must be
    /// exactly `sealed.len() - TAG_LEN` bytes. On failure `out` is zeroed and
    /// [`Error::Decrypt`] returned.
    pub fn open_into(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        sealed: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        let split = sealed.len().checked_sub(TAG_LEN).ok_or(Error::Decrypt)?;
        let (body, tag) = sealed.split_at(split);
        let tag = Tag::<aes_gcm::aead::consts::U16>::try_from(tag).map_err(|_| Error::Decrypt)?;
        let buf = InOutBuf::new(body, out).map_err(|_| Error::Malformed {
            what: "output buffer has the wrong length",
        })?;
        let result = self
            .inner
            .decrypt_inout_detached(&Nonce::from(*nonce), aad, buf, &tag);
        if result.is_err() {
            out.fill(0);
            return Err(Error::Decrypt);
        }
        Ok(())
    }

    /// `ciphertext || tag` for `plaintext`.
    pub fn seal(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let mut buffer = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buffer.extend_from_slice(plaintext);
        self.seal_in_place(nonce, aad, &mut buffer)?;
        Ok(buffer)
    }

    /// Authenticates and decrypts `ciphertext || tag` held in `buffer`, in place; on success
    /// `buffer` holds the plaintext. On failure `buffer` is cleared and [`Error::Decrypt`] is
    /// returned (nothing unauthenticated is ever left for the caller).
    pub fn open_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        buffer: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let Some(split) = buffer.len().checked_sub(TAG_LEN) else {
            buffer.clear();
            return Err(Error::Decrypt);
        };
        let (body, tag) = buffer.split_at_mut(split);
        let tag = Tag::<aes_gcm::aead::consts::U16>::try_from(&*tag).map_err(|_| Error::Decrypt)?;
        match self
            .inner
            .decrypt_inout_detached(&Nonce::from(*nonce), aad, body.into(), &tag)
        {
            Ok(()) => {
                buffer.truncate(split);
                Ok(())
            }
            Err(_) => {
                buffer.clear();
                Err(Error::Decrypt)
            }
        }
    }

    /// Authenticates and decrypts `ciphertext || tag`.
    pub fn open(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let mut buffer = ciphertext_and_tag.to_vec();
        self.open_in_place(nonce, aad, &mut buffer)?;
        Ok(buffer)
    }
}

/// A fresh random 96-bit nonce from the OS CSPRNG.
pub fn random_nonce() -> Result<[u8; NONCE_LEN], Error> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|_| Error::Random)?;
    Ok(nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects_wrong_aad() {
        let cipher = Aes256Gcm::new(&SecretKey::from_bytes([1; 32]));
        let nonce = [2; 12];
        let sealed = cipher.seal(&nonce, b"ad", b"hello").unwrap();
        assert_eq!(sealed.len(), 5 + TAG_LEN);
        assert_eq!(cipher.open(&nonce, b"ad", &sealed).unwrap(), b"hello");
        assert_eq!(cipher.open(&nonce, b"xx", &sealed), Err(Error::Decrypt));
        assert_eq!(
            cipher.open(&nonce, b"ad", &sealed[..10]),
            Err(Error::Decrypt)
        );
        assert_eq!(format!("{cipher:?}"), "Aes256Gcm([redacted])");
        let mut out = vec![0u8; 5 + TAG_LEN];
        cipher.seal_into(&nonce, b"ad", b"hello", &mut out).unwrap();
        assert_eq!(out, sealed);
        let mut back = [0u8; 5];
        cipher.open_into(&nonce, b"ad", &out, &mut back).unwrap();
        assert_eq!(&back, b"hello");
        assert!(cipher.open_into(&nonce, b"x", &out, &mut back).is_err());
        assert_eq!(back, [0; 5]);
        assert!(
            cipher
                .seal_into(&nonce, b"", b"hello", &mut [0u8; 20])
                .is_err()
        );
        assert!(
            cipher
                .open_into(&nonce, b"ad", &out, &mut [0u8; 4])
                .is_err()
        );
    }
}
