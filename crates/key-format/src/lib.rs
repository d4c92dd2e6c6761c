#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;

pub use error::Error;

/// Appends the CRC-32 (IEEE) of `data`, as six base62 digits, to `out`.
///
/// Six base62 digits hold any 32-bit value (62^6 > 2^32), so the checksum has a fixed width and a
/// key's length alone tells where it starts.
pub fn push_crc32_base62(data: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut value = crc32fast::hash(data);
    let mut digits = [b'0'; 6];
    for slot in digits.iter_mut().rev() {
        let index = (value % 62) as usize;
        *slot = ALPHABET.get(index).copied().unwrap_or(b'0');
        value /= 62;
    }
    out.extend(digits.iter().map(|&b| char::from(b)));
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
}
