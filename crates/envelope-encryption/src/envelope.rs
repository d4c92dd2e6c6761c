//! Envelope encryption proper: a fresh data key per record, wrapped by a key-encryption key.
//!
//! The data key encrypts the record; the [`KeyEncryptionKey`] (a local key here, a cloud KMS in
//! a host's implementation) only ever sees 32-byte data keys. Rotating the KEK means rewrapping
//! data keys ([`rewrap`]), not re-encrypting records.
//!
//! # Record layout, byte for byte
//!
//! ```text
//! "RPE1"                         4 bytes, magic and version
//! u8  kek_id_len                 1..=255
//! kek_id                         UTF-8, kek_id_len bytes
//! u16be wrapped_len              1..=1024
//! wrapped_data_key               wrapped_len bytes (opaque, the KEK's output)
//! nonce                          12 bytes, random
//! ciphertext || tag              AES-256-GCM under the data key, tag 16 bytes
//! ```
//!
//! The data key is wrapped with associated data `"rampart/envelope/dek" 0x00 || kek_id`; the
//! record body with `"rampart/envelope/v1" 0x00 || context` (the [`Context`] encoded as in v2:
//! three u32be-length-prefixed strings). The header is not in the body's associated data, so
//! [`rewrap`] replaces it without touching the body; a header from another record carries
//! another data key, and the body then fails to authenticate.

use zeroize::Zeroizing;

use crate::aead::{Aes256Gcm, NONCE_LEN, TAG_LEN, random_nonce};
use crate::key::{KEY_LEN, SecretKey};
use crate::{Context, Error};

const MAGIC: &[u8; 4] = b"RPE1";
const MAX_WRAPPED: usize = 1024;

/// Wraps and unwraps data keys. Implement it over a KMS (AWS KMS `Encrypt`/`Decrypt`, GCP KMS,
/// Vault transit); [`LocalKek`] is the in-process implementation.
///
/// `aad` must be bound by the implementation (KMS encryption context); unwrapping with a
/// different `aad` must fail.
pub trait KeyEncryptionKey {
    /// A stable, non-secret identifier stored in the record (1 to 255 bytes of UTF-8), used to
    /// pick the KEK on decryption.
    fn id(&self) -> &str;

    /// Wraps a data key. The output is opaque and at most 1024 bytes.
    fn wrap(&self, data_key: &SecretKey, aad: &[u8]) -> Result<Vec<u8>, Error>;

    /// Unwraps a data key produced by [`KeyEncryptionKey::wrap`] with the same `aad`.
    fn unwrap(&self, wrapped: &[u8], aad: &[u8]) -> Result<SecretKey, Error>;
}

/// A KEK held in process memory: AES-256-GCM key wrapping with a random nonce
/// (`nonce || wrapped key || tag`, 60 bytes).
pub struct LocalKek {
    id: String,
    gcm: Aes256Gcm,
}

impl core::fmt::Debug for LocalKek {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LocalKek")
            .field("id", &self.id)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl LocalKek {
    /// A local KEK; `id` must be 1 to 255 bytes.
    pub fn new(id: impl Into<String>, key: &SecretKey) -> Result<Self, Error> {
        let id = id.into();
        if id.is_empty() || id.len() > 255 {
            return Err(Error::InvalidKey {
                what: "a KEK id must be 1 to 255 bytes",
            });
        }
        Ok(Self {
            id,
            gcm: Aes256Gcm::new(key),
        })
    }
}

impl KeyEncryptionKey for LocalKek {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, data_key: &SecretKey, aad: &[u8]) -> Result<Vec<u8>, Error> {
        let nonce = random_nonce()?;
        let mut out = Vec::with_capacity(NONCE_LEN + KEY_LEN + TAG_LEN);
        out.extend_from_slice(&nonce);
        let mut body = data_key.expose_secret().to_vec();
        self.gcm.seal_in_place(&nonce, aad, &mut body)?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    fn unwrap(&self, wrapped: &[u8], aad: &[u8]) -> Result<SecretKey, Error> {
        if wrapped.len() != NONCE_LEN + KEY_LEN + TAG_LEN {
            return Err(Error::Kek {
                what: "wrapped key has the wrong length",
            });
        }
        let (nonce, sealed) = wrapped.split_at(NONCE_LEN);
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| Error::Kek {
            what: "wrapped key has the wrong length",
        })?;
        let mut body = Zeroizing::new(sealed.to_vec());
        self.gcm
            .open_in_place(&nonce, aad, &mut body)
            .map_err(|_| Error::Kek {
                what: "data key did not unwrap (wrong KEK or tampered record)",
            })?;
        SecretKey::from_slice(&body)
    }
}

pub(crate) fn dek_aad(kek_id: &str) -> Vec<u8> {
    let mut aad = b"rampart/envelope/dek\0".to_vec();
    aad.extend_from_slice(kek_id.as_bytes());
    aad
}

/// Appends the three u32be-length-prefixed context parts. A part of 4 GiB or more (its length
/// does not fit the prefix) is refused rather than truncated or saturated, so two different
/// contexts can never encode alike.
pub(crate) fn context_bytes(out: &mut Vec<u8>, context: &Context<'_>) -> Result<(), Error> {
    for part in [context.table(), context.column(), context.row()] {
        let len = u32::try_from(part.len()).map_err(|_| Error::Malformed {
            what: "context part of 4 GiB or more",
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(part.as_bytes());
    }
    Ok(())
}

/// Writes the header `magic || kek_id || wrapped` into a new buffer.
pub(crate) fn header(magic: &[u8; 4], kek_id: &str, wrapped: &[u8]) -> Result<Vec<u8>, Error> {
    let id_len = u8::try_from(kek_id.len()).map_err(|_| Error::Kek {
        what: "KEK id longer than 255 bytes",
    })?;
    if id_len == 0 {
        return Err(Error::Kek {
            what: "empty KEK id",
        });
    }
    if wrapped.is_empty() || wrapped.len() > MAX_WRAPPED {
        return Err(Error::Kek {
            what: "wrapped key must be 1 to 1024 bytes",
        });
    }
    let wrapped_len = u16::try_from(wrapped.len()).map_err(|_| Error::Kek {
        what: "wrapped key must be 1 to 1024 bytes",
    })?;
    let mut out = Vec::with_capacity(7 + kek_id.len() + wrapped.len());
    out.extend_from_slice(magic);
    out.push(id_len);
    out.extend_from_slice(kek_id.as_bytes());
    out.extend_from_slice(&wrapped_len.to_be_bytes());
    out.extend_from_slice(wrapped);
    Ok(out)
}

/// A parsed header: the KEK id, the wrapped key and the header length.
pub(crate) struct Header<'a> {
    pub(crate) kek_id: &'a str,
    pub(crate) wrapped: &'a [u8],
    pub(crate) len: usize,
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], Error> {
    if input.len() < n {
        return Err(Error::Malformed {
            what: "header truncated",
        });
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

/// Parses a header from the start of `input`. Returns `Ok(None)` if `input` is too short to
/// hold the whole header yet (streaming), an error if it can never be a valid header.
pub(crate) fn parse_header<'a>(
    magic: &[u8; 4],
    input: &'a [u8],
) -> Result<Option<Header<'a>>, Error> {
    let mut rest = input;
    let result = (|| {
        if take(&mut rest, 4)? != magic {
            return Err(Error::UnknownFormat);
        }
        let id_len = usize::from(*take(&mut rest, 1)?.first().ok_or(Error::UnknownFormat)?);
        if id_len == 0 {
            return Err(Error::Malformed {
                what: "empty KEK id",
            });
        }
        let kek_id =
            core::str::from_utf8(take(&mut rest, id_len)?).map_err(|_| Error::Malformed {
                what: "KEK id is not UTF-8",
            })?;
        let len_bytes = take(&mut rest, 2)?;
        let wrapped_len = usize::from(u16::from_be_bytes(
            <[u8; 2]>::try_from(len_bytes).map_err(|_| Error::UnknownFormat)?,
        ));
        if wrapped_len == 0 || wrapped_len > MAX_WRAPPED {
            return Err(Error::Malformed {
                what: "wrapped key length out of range",
            });
        }
        let wrapped = take(&mut rest, wrapped_len)?;
        Ok(Header {
            kek_id,
            wrapped,
            len: input.len() - rest.len(),
        })
    })();
    match result {
        Ok(h) => Ok(Some(h)),
        // A short input that matched so far may still become a valid header.
        Err(Error::Malformed {
            what: "header truncated",
        }) if input.len() < 4 + 1 + 255 + 2 + MAX_WRAPPED => {
            if input.len() >= 4 && input.get(..4) != Some(magic.as_slice()) {
                Err(Error::UnknownFormat)
            } else {
                Ok(None)
            }
        }
        Err(e) => Err(e),
    }
}

fn body_aad(context: &Context<'_>) -> Result<Vec<u8>, Error> {
    let mut aad = b"rampart/envelope/v1\0".to_vec();
    context_bytes(&mut aad, context)?;
    Ok(aad)
}

/// Encrypts `plaintext` under a fresh random data key wrapped by `kek`, bound to `context`.
pub fn seal(
    kek: &dyn KeyEncryptionKey,
    plaintext: &[u8],
    context: &Context<'_>,
) -> Result<Vec<u8>, Error> {
    let aad = body_aad(context)?;
    let data_key = SecretKey::generate()?;
    let wrapped = kek.wrap(&data_key, &dek_aad(kek.id()))?;
    let mut out = header(MAGIC, kek.id(), &wrapped)?;
    let nonce = random_nonce()?;
    let mut body = Vec::with_capacity(plaintext.len() + TAG_LEN);
    body.extend_from_slice(plaintext);
    Aes256Gcm::new(&data_key).seal_in_place(&nonce, &aad, &mut body)?;
    out.reserve(NONCE_LEN + body.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    Ok(out)
}

/// The KEK id a record names, without unwrapping anything (to pick the KEK to open it with).
pub fn kek_id(record: &[u8]) -> Result<&str, Error> {
    parse_header(MAGIC, record)?
        .map(|h| h.kek_id)
        .ok_or(Error::Malformed {
            what: "header truncated",
        })
}

/// Opens a record made by [`seal`] with the same KEK and context.
pub fn open(
    kek: &dyn KeyEncryptionKey,
    record: &[u8],
    context: &Context<'_>,
) -> Result<Vec<u8>, Error> {
    let header = parse_header(MAGIC, record)?.ok_or(Error::Malformed {
        what: "header truncated",
    })?;
    if header.kek_id != kek.id() {
        return Err(Error::Kek {
            what: "record names another KEK id",
        });
    }
    let data_key = kek.unwrap(header.wrapped, &dek_aad(header.kek_id))?;
    let rest = record.get(header.len..).ok_or(Error::Malformed {
        what: "header truncated",
    })?;
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(Error::Malformed {
            what: "record shorter than nonce and tag",
        });
    }
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| Error::Malformed {
        what: "record shorter than nonce and tag",
    })?;
    Aes256Gcm::new(&data_key).open(&nonce, &body_aad(context)?, sealed)
}

/// Moves a record to another KEK by unwrapping and rewrapping its data key only: the body
/// (nonce, ciphertext, tag) is copied unchanged, never decrypted, and the data key never leaves
/// zeroized memory. The body is authenticated when the new record is opened.
pub fn rewrap(
    from: &dyn KeyEncryptionKey,
    to: &dyn KeyEncryptionKey,
    record: &[u8],
) -> Result<Vec<u8>, Error> {
    let header = parse_header(MAGIC, record)?.ok_or(Error::Malformed {
        what: "header truncated",
    })?;
    if header.kek_id != from.id() {
        return Err(Error::Kek {
            what: "record names another KEK id",
        });
    }
    let body = record.get(header.len..).ok_or(Error::Malformed {
        what: "header truncated",
    })?;
    if body.len() < NONCE_LEN + TAG_LEN {
        return Err(Error::Malformed {
            what: "record shorter than nonce and tag",
        });
    }
    let data_key = from.unwrap(header.wrapped, &dek_aad(header.kek_id))?;
    let wrapped = to.wrap(&data_key, &dek_aad(to.id()))?;
    let mut out = header_for(to.id(), &wrapped)?;
    out.extend_from_slice(body);
    Ok(out)
}

fn header_for(kek_id: &str, wrapped: &[u8]) -> Result<Vec<u8>, Error> {
    header(MAGIC, kek_id, wrapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kek(id: &str, byte: u8) -> LocalKek {
        LocalKek::new(id, &SecretKey::from_bytes([byte; 32])).unwrap()
    }

    #[test]
    fn seal_open_rewrap() {
        let a = kek("kek-a", 1);
        let b = kek("kek-b", 2);
        let ctx = Context::new("files", "body", "7");
        let record = seal(&a, b"memory entry", &ctx).unwrap();
        assert_eq!(kek_id(&record).unwrap(), "kek-a");
        assert_eq!(open(&a, &record, &ctx).unwrap(), b"memory entry");
        assert!(open(&a, &record, &Context::new("files", "body", "8")).is_err());
        assert!(matches!(open(&b, &record, &ctx), Err(Error::Kek { .. })));
        let moved = rewrap(&a, &b, &record).unwrap();
        assert!(rewrap(&b, &a, &record).is_err());
        assert_eq!(kek_id(&moved).unwrap(), "kek-b");
        assert_eq!(open(&b, &moved, &ctx).unwrap(), b"memory entry");
        // Same id, different key material: unwrap fails.
        let impostor = kek("kek-a", 3);
        assert!(matches!(
            open(&impostor, &record, &ctx),
            Err(Error::Kek { .. })
        ));
        assert!(format!("{a:?}").contains("[redacted]"));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let a = kek("k", 1);
        let record = seal(&a, b"abc", &Context::NONE).unwrap();
        for len in 0..record.len() {
            assert!(open(&a, &record[..len], &Context::NONE).is_err(), "{len}");
        }
        assert!(matches!(
            open(&a, b"XXXX\x01k", &Context::NONE),
            Err(Error::UnknownFormat)
        ));
        assert!(LocalKek::new("", &SecretKey::from_bytes([0; 32])).is_err());
    }
}
