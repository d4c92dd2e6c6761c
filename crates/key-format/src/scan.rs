//! Finding this crate's keys in free text (logs, prompts, pasted configs).

use std::ops::Range;

use crate::base62::{self, CHECKSUM_LEN};
use crate::format::{KEY_ID_LEN, MAX_PREFIX_LEN, TAGGED_BODY_LEN, UNTAGGED_BODY_LEN, check_prefix};

/// Finds every key of this crate's format in `text`, whatever its prefix, tagged or not.
///
/// A candidate is `<prefix>_<body>` where the prefix follows the [`Prefix`](crate::Prefix) rule,
/// the body is exactly 48 (untagged) or 59 (tagged) base62 characters not followed by another
/// base62 character, and the CRC-32 checksum over everything before it matches. A random
/// 48-character string passes the checksum with probability 2^-32, so redacting what this finds
/// has no false positives in practice. Tags are not checked (that needs the server secret):
/// this finds keys issued by any deployment, which is what a log scrubber wants.
///
/// Spans are byte ranges of `text`, always on character boundaries (keys are ASCII). One pass;
/// no allocation.
///
/// ```
/// use key_format::find_keys;
/// let text = "token=omk_live_000000000000000000000000000000000000000000 no";
/// assert_eq!(find_keys(text).count(), 0); // right shape, wrong checksum
/// ```
pub fn find_keys(text: &str) -> FindKeys<'_> {
    FindKeys { text, pos: 0 }
}

/// A key found by [`find_keys`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FoundKey<'a> {
    text: &'a str,
    start: usize,
    sep: usize,
    end: usize,
}

impl<'a> FoundKey<'a> {
    /// Byte offset of the first character of the key (its prefix).
    #[must_use]
    pub fn start(&self) -> usize {
        self.start
    }

    /// Byte offset just past the key.
    #[must_use]
    pub fn end(&self) -> usize {
        self.end
    }

    /// `start()..end()`.
    #[must_use]
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The whole key. It is a secret: redact it, do not log it.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.text.get(self.start..self.end).unwrap_or_default()
    }

    /// The prefix (without the separating `_`).
    #[must_use]
    pub fn prefix(&self) -> &'a str {
        self.text.get(self.start..self.sep).unwrap_or_default()
    }

    /// The public key id (safe to log: it names the key without granting anything).
    #[must_use]
    pub fn key_id(&self) -> &'a str {
        self.text
            .get(self.sep + 1..self.sep + 1 + KEY_ID_LEN)
            .unwrap_or_default()
    }

    /// Whether the key has the tagged length.
    #[must_use]
    pub fn is_tagged(&self) -> bool {
        self.end - self.sep - 1 == TAGGED_BODY_LEN
    }
}

impl std::fmt::Debug for FoundKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FoundKey")
            .field("range", &self.range())
            .field("prefix", &self.prefix())
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// The iterator [`find_keys`] returns.
#[derive(Debug, Clone)]
pub struct FindKeys<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for FindKeys<'a> {
    type Item = FoundKey<'a>;

    fn next(&mut self) -> Option<FoundKey<'a>> {
        let bytes = self.text.as_bytes();
        while let Some(rest) = bytes.get(self.pos..) {
            let Some(off) = memchr::memchr(b'_', rest) else {
                self.pos = bytes.len();
                return None;
            };
            let sep = self.pos + off;
            self.pos = sep + 1;
            let body_start = sep + 1;
            let body_len = bytes
                .get(body_start..)
                .unwrap_or_default()
                .iter()
                .take(TAGGED_BODY_LEN + 1)
                .take_while(|&&b| base62::is_base62(b))
                .count();
            if body_len != UNTAGGED_BODY_LEN && body_len != TAGGED_BODY_LEN {
                continue;
            }
            let end = body_start + body_len;
            if let Some(start) = find_start(bytes, sep, end) {
                self.pos = end;
                return Some(FoundKey {
                    text: self.text,
                    start,
                    sep,
                    end,
                });
            }
        }
        None
    }
}

/// The prefix start for the body ending at `end` whose `_` is at `sep`: the longest valid prefix
/// (at most 32 bytes back) whose checksum matches, or `None`.
fn find_start(bytes: &[u8], sep: usize, end: usize) -> Option<usize> {
    let checksum = bytes.get(end - CHECKSUM_LEN..end)?;
    let lowest = sep.saturating_sub(MAX_PREFIX_LEN);
    // Walk back over prefix characters to the furthest candidate start.
    let mut furthest = sep;
    while furthest > lowest {
        match bytes.get(furthest - 1) {
            Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_' => furthest -= 1,
            _ => break,
        }
    }
    (furthest..sep).find(|&start| {
        bytes
            .get(start..sep)
            .is_some_and(|p| check_prefix(p).is_ok())
            && bytes
                .get(start..end - CHECKSUM_LEN)
                .is_some_and(|covered| base62::crc32_base62(covered) == checksum)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeyFormat, ServerSecret};

    #[test]
    fn finds_tagged_and_untagged_keys_with_exact_spans() {
        let a = KeyFormat::new("omk_live").unwrap().generate().unwrap();
        let secret = ServerSecret::generate().unwrap();
        let b = KeyFormat::signed("sk", &secret)
            .unwrap()
            .generate()
            .unwrap();
        let text = format!("Authorization: Bearer {}\né {} (copied)\n{}", *a, *b, *a);
        let found: Vec<_> = find_keys(&text).collect();
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].as_str(), a.as_str());
        assert_eq!(found[0].prefix(), "omk_live");
        assert!(!found[0].is_tagged());
        assert_eq!(found[1].as_str(), b.as_str());
        assert_eq!(found[1].prefix(), "sk");
        assert!(found[1].is_tagged());
        assert_eq!(&text[found[2].range()], a.as_str());
        assert_eq!(found[0].key_id(), &a[9..21]);
    }

    #[test]
    fn leading_words_and_neighbours() {
        let a = KeyFormat::new("omk").unwrap().generate().unwrap();
        // Glued to a preceding identifier: the checksum picks the real start.
        let text = format!("my_token_{}", *a);
        let found: Vec<_> = find_keys(&text).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].as_str(), a.as_str());
        // Followed by more base62: not a key (it is a longer token).
        assert_eq!(find_keys(&format!("{}x", *a)).count(), 0);
        // Followed by punctuation or `_`: still a key.
        assert_eq!(find_keys(&format!("{}_x", *a)).count(), 1);
        assert_eq!(find_keys(&format!("({}).", *a)).count(), 1);
    }

    #[test]
    fn no_false_positives_on_lookalikes() {
        let a = KeyFormat::new("omk").unwrap().generate().unwrap();
        let mut typo = a.to_string();
        typo.replace_range(5..6, if &typo[5..6] == "A" { "B" } else { "A" });
        assert_eq!(find_keys(&typo).count(), 0);
        assert_eq!(find_keys(&a[..a.len() - 1]).count(), 0);
        assert_eq!(find_keys("snake_case_identifiers_everywhere_").count(), 0);
        assert_eq!(find_keys("").count(), 0);
        assert_eq!(find_keys("____").count(), 0);
    }
}
