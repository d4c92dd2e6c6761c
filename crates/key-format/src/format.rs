//! The key format: `<prefix>_<id><secret>[<tag>]<checksum>`.

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::Error;
use crate::base62::{self, CHECKSUM_LEN};
use crate::secret::{MacKey, ServerSecret};

/// Length of the public key id (the store lookup handle): 12 base62 characters, about 71 random
/// bits, so ids of independently issued keys do not collide in practice.
pub const KEY_ID_LEN: usize = 12;
/// Length of the secret part: 30 base62 characters from the OS CSPRNG, about 178.6 bits (the issue
/// asks for at least 160).
pub const SECRET_LEN: usize = 30;
/// Length of the optional tag: the first 64 bits of HMAC-SHA256, written as 11 base62 characters.
pub const TAG_LEN: usize = 11;
/// The longest prefix accepted, in bytes.
pub const MAX_PREFIX_LEN: usize = 32;
/// Body length (after `prefix_`) of an untagged key.
pub const UNTAGGED_BODY_LEN: usize = KEY_ID_LEN + SECRET_LEN + CHECKSUM_LEN;
/// Body length (after `prefix_`) of a tagged key.
pub const TAGGED_BODY_LEN: usize = KEY_ID_LEN + SECRET_LEN + TAG_LEN + CHECKSUM_LEN;

/// A validated key prefix such as `omk`, `omk_live` or `omk_test`.
///
/// The rule: one to four segments joined by `_`, each segment `[a-z][a-z0-9]{1,15}`, at most
/// [`MAX_PREFIX_LEN`] bytes in all. So `omk_live` is the segment `omk` and the segment `live`. The
/// body of a key is base62 and never contains `_`, so the **last** `_` of a key separates the
/// prefix from the body, and a prefix never ends in `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Prefix(String);

impl Prefix {
    /// Validates `prefix`.
    ///
    /// # Errors
    /// [`Error::InvalidPrefix`] naming the broken part of the rule.
    pub fn new(prefix: &str) -> Result<Self, Error> {
        check_prefix(prefix.as_bytes()).map_err(|reason| Error::InvalidPrefix { reason })?;
        Ok(Self(prefix.to_owned()))
    }

    /// The prefix text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub(crate) fn check_prefix(p: &[u8]) -> Result<(), &'static str> {
    if p.is_empty() {
        return Err("empty");
    }
    if p.len() > MAX_PREFIX_LEN {
        return Err("longer than 32 bytes");
    }
    let mut segments = 0;
    for seg in p.split(|&b| b == b'_') {
        segments += 1;
        if segments > 4 {
            return Err("more than 4 segments");
        }
        match seg.split_first() {
            None => return Err("empty segment (leading, trailing or double `_`)"),
            Some((first, rest)) => {
                if !first.is_ascii_lowercase() {
                    return Err("a segment must start with a lower-case letter");
                }
                if rest.is_empty() || rest.len() > 15 {
                    return Err("a segment must be 2 to 16 characters");
                }
                if !rest
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                {
                    return Err("only lower-case letters and digits are allowed");
                }
            }
        }
    }
    Ok(())
}

/// One key format: a prefix and, optionally, a tag key derived from the server secret.
///
/// Keys look like `omk_live_3x9Q…` : the prefix, `_`, a 12-character key id, a 30-character
/// secret, an 11-character HMAC tag (tagged formats only) and a 6-character CRC-32 checksum, all
/// base62. The checksum covers everything before it (prefix included), so a key copied under the
/// wrong prefix fails too.
///
/// ```
/// use key_format::{KeyFormat, ServerSecret};
/// let secret = ServerSecret::from_bytes(b"an example secret of at least 32 bytes!!")?;
/// let format = KeyFormat::signed("omk_live", &secret)?;
/// assert_eq!(format.key_len(), "omk_live_".len() + 59);
/// assert!(format.parse("omk_live_nope").is_err());
/// # Ok::<(), key_format::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct KeyFormat {
    prefix: Prefix,
    tag: Option<MacKey>,
    /// Tag keys of retired server secrets, still accepted (secret rotation).
    old_tags: Vec<MacKey>,
}

impl KeyFormat {
    /// An untagged format: keys are checked offline by prefix, length, alphabet and checksum.
    ///
    /// # Errors
    /// [`Error::InvalidPrefix`].
    pub fn new(prefix: &str) -> Result<Self, Error> {
        Ok(Self {
            prefix: Prefix::new(prefix)?,
            tag: None,
            old_tags: Vec::new(),
        })
    }

    /// A tagged format: keys also carry a 64-bit truncated HMAC-SHA256 under a key derived from
    /// `secret`, so a key not issued by this deployment is rejected before any store lookup.
    ///
    /// # Errors
    /// [`Error::InvalidPrefix`].
    pub fn signed(prefix: &str, secret: &ServerSecret) -> Result<Self, Error> {
        Ok(Self {
            prefix: Prefix::new(prefix)?,
            tag: Some(secret.derive("key-tag")),
            old_tags: Vec::new(),
        })
    }

    /// Also accepts tags made under `previous` (a retired server secret), so keys issued before a
    /// secret rotation keep parsing. New keys are always tagged under the current secret. No
    /// effect on an untagged format.
    #[must_use]
    pub fn accepting_previous(mut self, previous: &ServerSecret) -> Self {
        if self.tag.is_some() {
            self.old_tags.push(previous.derive("key-tag"));
        }
        self
    }

    /// The prefix.
    #[must_use]
    pub fn prefix(&self) -> &str {
        self.prefix.as_str()
    }

    /// Whether keys of this format carry an HMAC tag.
    #[must_use]
    pub fn is_tagged(&self) -> bool {
        self.tag.is_some()
    }

    fn body_len(&self) -> usize {
        if self.tag.is_some() {
            TAGGED_BODY_LEN
        } else {
            UNTAGGED_BODY_LEN
        }
    }

    /// The exact length in bytes of every key of this format.
    #[must_use]
    pub fn key_len(&self) -> usize {
        self.prefix.0.len() + 1 + self.body_len()
    }

    /// Generates a new key: fresh id and secret from the OS CSPRNG, tag, checksum.
    pub(crate) fn generate(&self) -> Result<Zeroizing<String>, Error> {
        let mut random = Zeroizing::new([0u8; KEY_ID_LEN + SECRET_LEN]);
        base62::fill_random(&mut *random)?;
        let mut key = Zeroizing::new(String::with_capacity(self.key_len()));
        key.push_str(self.prefix.as_str());
        key.push('_');
        key.extend(random.iter().map(|&b| char::from(b)));
        if let Some(tag_key) = &self.tag {
            let tag = compute_tag(tag_key, key.as_bytes());
            key.extend(tag.iter().map(|&b| char::from(b)));
        }
        let crc = base62::crc32_base62(key.as_bytes());
        key.extend(crc.iter().map(|&b| char::from(b)));
        Ok(key)
    }

    /// Checks `input` offline: prefix, length, alphabet, checksum, then (tagged formats) the tag
    /// in constant time. Touches no store.
    ///
    /// # Errors
    /// [`Error::WrongPrefix`], [`Error::BadLength`], [`Error::BadCharacter`],
    /// [`Error::BadChecksum`], [`Error::BadTag`], in that order of checking.
    pub fn parse<'a>(&self, input: &'a str) -> Result<ParsedKey<'a>, Error> {
        let bytes = input.as_bytes();
        let plen = self.prefix.0.len();
        let body = match bytes.strip_prefix(self.prefix.0.as_bytes()) {
            Some([b'_', body @ ..]) => body,
            _ => return Err(Error::WrongPrefix),
        };
        if body.len() != self.body_len() {
            return Err(Error::BadLength {
                expected: self.key_len(),
                found: bytes.len(),
            });
        }
        if let Some(i) = body.iter().position(|&b| !base62::is_base62(b)) {
            return Err(Error::BadCharacter {
                position: plen + 1 + i,
            });
        }
        let split = bytes.len() - CHECKSUM_LEN;
        let (covered, checksum) = bytes.split_at(split);
        if base62::crc32_base62(covered) != checksum {
            return Err(Error::BadChecksum);
        }
        if let Some(tag_key) = &self.tag {
            let (signed, tag) = covered.split_at(covered.len() - TAG_LEN);
            let mut ok = compute_tag(tag_key, signed).ct_eq(tag);
            for old in &self.old_tags {
                ok |= compute_tag(old, signed).ct_eq(tag);
            }
            if !bool::from(ok) {
                return Err(Error::BadTag);
            }
        }
        Ok(ParsedKey {
            text: input,
            prefix_len: plen,
            tagged: self.tag.is_some(),
        })
    }
}

/// The first 64 bits of HMAC-SHA256(tag key, `prefix_idsecret`), as 11 base62 characters.
fn compute_tag(key: &MacKey, signed: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = key.mac(signed);
    let mut first = [0u8; 8];
    if let Some(src) = mac.get(..8) {
        first.copy_from_slice(src);
    }
    mac.zeroize();
    let mut out = [b'0'; TAG_LEN];
    base62::encode_fixed(u128::from(u64::from_be_bytes(first)), &mut out);
    out
}

/// A key that passed [`KeyFormat::parse`]. Borrowed from the input; its `Debug` shows the prefix
/// and key id only, never the secret part.
#[derive(Clone, Copy)]
pub struct ParsedKey<'a> {
    text: &'a str,
    prefix_len: usize,
    tagged: bool,
}

impl<'a> ParsedKey<'a> {
    /// The prefix (without the separating `_`).
    #[must_use]
    pub fn prefix(&self) -> &'a str {
        self.text.get(..self.prefix_len).unwrap_or_default()
    }

    /// The public key id: the store lookup handle, safe to log.
    #[must_use]
    pub fn key_id(&self) -> &'a str {
        let start = self.prefix_len + 1;
        self.text.get(start..start + KEY_ID_LEN).unwrap_or_default()
    }

    /// Whether the key carries an HMAC tag (and it was checked).
    #[must_use]
    pub fn is_tagged(&self) -> bool {
        self.tagged
    }

    /// The whole key text (secret included): for hashing, never for logging.
    pub(crate) fn as_str(&self) -> &'a str {
        self.text
    }
}

impl std::fmt::Debug for ParsedKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedKey")
            .field("prefix", &self.prefix())
            .field("key_id", &self.key_id())
            .field("secret", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> ServerSecret {
        ServerSecret::from_bytes(b"0123456789abcdef0123456789abcdef-test").unwrap()
    }

    #[test]
    fn prefix_rule() {
        for ok in [
            "omk",
            "omk_live",
            "omk_test",
            "ab",
            "a1",
            "abcdefghijklmnop",
            "a1_b2_c3_d4",
        ] {
            assert!(Prefix::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "Omk",
            "1mk",
            "omk_",
            "_omk",
            "omk__live",
            "omk-live",
            "abcdefghijklmnopq",
            "a1_b2_c3_d4_e5",
            "omk_l",
            "ok\u{e9}",
        ] {
            assert!(
                matches!(Prefix::new(bad), Err(Error::InvalidPrefix { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn generated_keys_parse_in_both_formats() {
        for format in [
            KeyFormat::new("omk_live").unwrap(),
            KeyFormat::signed("omk_live", &secret()).unwrap(),
        ] {
            let key = format.generate().unwrap();
            assert_eq!(key.len(), format.key_len());
            let parsed = format.parse(&key).unwrap();
            assert_eq!(parsed.prefix(), "omk_live");
            assert_eq!(parsed.key_id(), &key[9..21]);
            assert_eq!(parsed.is_tagged(), format.is_tagged());
            let dbg = format!("{parsed:?}");
            assert!(!dbg.contains(&key[21..40]), "{dbg}");
        }
    }

    #[test]
    fn typed_errors_in_checking_order() {
        let format = KeyFormat::signed("omk", &secret()).unwrap();
        let key = format.generate().unwrap();
        assert!(matches!(format.parse(""), Err(Error::WrongPrefix)));
        assert!(matches!(format.parse("omx_abc"), Err(Error::WrongPrefix)));
        assert!(matches!(format.parse("omkabc"), Err(Error::WrongPrefix)));
        assert!(matches!(
            format.parse(&key[..key.len() - 1]),
            Err(Error::BadLength {
                expected: 63,
                found: 62
            })
        ));
        let mut bad_char = key.to_string();
        bad_char.replace_range(10..11, "-");
        assert!(matches!(
            format.parse(&bad_char),
            Err(Error::BadCharacter { position: 10 })
        ));
        let mut typo = key.to_string();
        let c = if &typo[10..11] == "a" { "b" } else { "a" };
        typo.replace_range(10..11, c);
        assert!(matches!(format.parse(&typo), Err(Error::BadChecksum)));

        // Same prefix, checksum recomputed, but tagged under another secret: BadTag.
        let other = KeyFormat::signed("omk", &ServerSecret::generate().unwrap()).unwrap();
        let foreign = other.generate().unwrap();
        assert!(matches!(format.parse(&foreign), Err(Error::BadTag)));

        // An untagged key is the wrong length for a tagged format and vice versa.
        let untagged = KeyFormat::new("omk").unwrap();
        assert!(matches!(
            format.parse(&untagged.generate().unwrap()),
            Err(Error::BadLength { .. })
        ));
        assert!(matches!(untagged.parse(&key), Err(Error::BadLength { .. })));
    }

    #[test]
    fn multibyte_input_never_panics() {
        let format = KeyFormat::new("omk").unwrap();
        let s = format!("omk_{}", "é".repeat(24));
        assert!(matches!(
            format.parse(&s),
            Err(Error::BadCharacter { position: 4 })
        ));
    }
}
