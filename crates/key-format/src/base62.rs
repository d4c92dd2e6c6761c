//! Base62 (`0-9A-Za-z`, the GitHub/"GMP" alphabet) helpers: fixed-width encoding of integers,
//! unbiased random strings from the OS CSPRNG, and the CRC-32 checksum.

use zeroize::Zeroize;

use crate::Error;

/// The alphabet, in the lexicographic order GitHub's token checksums use.
pub(crate) const ALPHABET: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Width of a base62 CRC-32: 62^6 > 2^32.
pub const CHECKSUM_LEN: usize = 6;

/// Whether `b` is one of the 62 characters.
#[inline]
pub(crate) const fn is_base62(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Writes `value` as exactly `out.len()` base62 digits, most significant first. The caller picks a
/// width large enough for the value's range (6 for `u32`, 11 for `u64`, 22 for `u128`).
pub(crate) fn encode_fixed(mut value: u128, out: &mut [u8]) {
    for slot in out.iter_mut().rev() {
        let index = (value % 62) as usize;
        *slot = ALPHABET.get(index).copied().unwrap_or(b'0');
        value /= 62;
    }
}

/// Reads base62 digits back into a number; `None` on a non-base62 byte or overflow.
pub(crate) fn decode(digits: &[u8]) -> Option<u128> {
    digits.iter().try_fold(0u128, |acc, &b| {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        acc.checked_mul(62)?.checked_add(u128::from(d))
    })
}

/// The CRC-32 (IEEE, as zlib) of `data` as six base62 digits.
#[must_use]
pub fn crc32_base62(data: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut out = [b'0'; CHECKSUM_LEN];
    encode_fixed(u128::from(crc32fast::hash(data)), &mut out);
    out
}

/// Appends the CRC-32 (IEEE) of `data`, as six base62 digits, to `out`.
///
/// Six base62 digits hold any 32-bit value (62^6 > 2^32), so the checksum has a fixed width and a
/// key's length alone tells where it starts. This is the same rule GitHub's `ghp_` tokens use
/// (there over the random part only; this crate's keys cover everything before the checksum).
pub fn push_crc32_base62(data: &[u8], out: &mut String) {
    out.extend(crc32_base62(data).iter().map(|&b| char::from(b)));
}

/// Fills `out` with uniformly distributed base62 characters from the OS CSPRNG (rejection
/// sampling: bytes >= 248 are dropped, so `b % 62` has no bias).
pub(crate) fn fill_random(out: &mut [u8]) -> Result<(), Error> {
    let mut pool = [0u8; 64];
    let mut filled = 0;
    while filled < out.len() {
        getrandom::fill(&mut pool).map_err(|_| Error::Randomness)?;
        for &b in &pool {
            if b < 248 {
                if let Some(slot) = out.get_mut(filled) {
                    *slot = ALPHABET.get(usize::from(b % 62)).copied().unwrap_or(b'0');
                    filled += 1;
                } else {
                    break;
                }
            }
        }
    }
    pool.zeroize();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_is_fixed_width_base62() {
        let mut out = String::new();
        push_crc32_base62(b"", &mut out);
        assert_eq!(out, "000000");
        out.clear();
        // CRC-32 of "123456789" is 0xCBF43926 = 3421780262 = base62 "3jZRME".
        push_crc32_base62(b"123456789", &mut out);
        assert_eq!(out, "3jZRME");
    }

    #[test]
    fn fixed_width_holds_the_maximum() {
        let mut out = [0u8; 6];
        encode_fixed(u128::from(u32::MAX), &mut out);
        assert_eq!(&out, b"4gfFC3");
        let mut wide = [0u8; 22];
        encode_fixed(u128::MAX, &mut wide);
        assert_ne!(wide[0], b'0');
        assert!(wide.iter().all(|&b| is_base62(b)));
    }

    #[test]
    fn decode_inverts_encode() {
        for v in [0u128, 1, 61, 62, 3_421_780_262, u128::from(u64::MAX)] {
            let mut out = [0u8; 22];
            encode_fixed(v, &mut out);
            assert_eq!(decode(&out), Some(v));
        }
        assert_eq!(decode(b"-"), None);
        assert_eq!(decode(&[b'z'; 40]), None);
    }

    #[test]
    fn random_strings_use_the_whole_alphabet() {
        let mut out = [0u8; 4096];
        fill_random(&mut out).unwrap();
        assert!(out.iter().all(|&b| is_base62(b)));
        let mut seen = [false; 256];
        for &b in &out {
            seen[usize::from(b)] = true;
        }
        assert_eq!(seen.iter().filter(|&&s| s).count(), 62);
    }
}
