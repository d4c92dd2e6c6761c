//! Text encodings of the string formats: base64url without padding (v2) and hex (v1).
//!
//! Table-driven, safe code, writing into buffers sized once. The inputs decoded here are
//! public (ciphertexts, nonces, tags), so the decoders are not constant-time; they are total:
//! every input gives either the decoded bytes or `None`, never a panic. Each decoder reads its
//! whole input and checks an accumulated error mask once, instead of branching per character.

/// The base64url alphabet (RFC 4648 §5).
const B64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte that is not a digit of the alphabet in the decoding tables (high bit set; every
/// valid value is below 64, or 16 for hex).
const INVALID: u8 = 0xFF;

/// Two base64url characters for each 12-bit value, big-endian in a `u16`: one lookup encodes
/// half of a 3-byte group. 8 KiB, built at compile time.
// Compile-time evaluation: an out-of-range index fails the build, never a run.
#[allow(clippy::indexing_slicing)]
const B64_PAIRS: [u16; 4096] = {
    let mut table = [0u16; 4096];
    let mut i = 0;
    while i < 4096 {
        let hi = B64_ALPHABET[i >> 6] as u16;
        let lo = B64_ALPHABET[i & 63] as u16;
        table[i] = (hi << 8) | lo;
        i += 1;
    }
    table
};

/// The 6-bit value of each base64url character, [`INVALID`] for every other byte (including
/// `=`, `+`, `/` and whitespace).
#[allow(clippy::indexing_slicing)]
const B64_VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[B64_ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Two lower-case hex digits for each byte, big-endian in a `u16`.
#[allow(clippy::indexing_slicing)]
const HEX_PAIRS: [u16; 256] = {
    let digits = b"0123456789abcdef";
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = ((digits[i >> 4] as u16) << 8) | digits[i & 15] as u16;
        i += 1;
    }
    table
};

/// The value of each hex digit (either case), [`INVALID`] for every other byte.
#[allow(clippy::indexing_slicing)]
const HEX_VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        table[i] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => INVALID,
        };
        i += 1;
    }
    table
};

// Table reads. Every index is a `u8` or masked to the table's size, so the `get` never fails
// and the optimiser removes its check; the fallback only keeps the code free of panics.

fn b64_pair(index: u32) -> u16 {
    B64_PAIRS
        .get((index & 0xFFF) as usize)
        .copied()
        .unwrap_or(0)
}

/// Eight bytes of `block` from `at` (a constant offset that fits: the optimiser removes the
/// check).
fn chunk8(block: &[u8; 20], at: usize) -> [u8; 8] {
    block
        .get(at..at + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .unwrap_or([0; 8])
}

fn b64_char(index: u32) -> u8 {
    B64_ALPHABET
        .get((index & 63) as usize)
        .copied()
        .unwrap_or(b'A')
}

fn b64_value(c: u8) -> u32 {
    u32::from(B64_VALUES.get(usize::from(c)).copied().unwrap_or(INVALID))
}

fn hex_value(c: u8) -> u8 {
    HEX_VALUES.get(usize::from(c)).copied().unwrap_or(INVALID)
}

/// Length of the unpadded base64url encoding of `n` bytes.
pub(crate) const fn base64url_len(n: usize) -> usize {
    n / 3 * 4
        + match n % 3 {
            0 => 0,
            1 => 2,
            _ => 3,
        }
}

/// Appends the unpadded base64url encoding of `input` to `out` (one resize, then 12 input
/// bytes to 16 characters per step).
pub(crate) fn encode_base64url(input: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + base64url_len(input.len()), 0);
    let Some(dst) = out.get_mut(start..) else {
        return;
    };
    // 24 input bytes to 32 characters per step: four 48-bit groups, each read as one 64-bit
    // load at a constant offset inside the block, encoded with four 12-bit table lookups and
    // written as one 64-bit store.
    let (src_blocks, src_rest) = input.as_chunks::<24>();
    let (dst_blocks, dst_rest) = dst.as_chunks_mut::<32>();
    for (s, d) in src_blocks.iter().zip(dst_blocks.iter_mut()) {
        let (lo, _) = s.split_first_chunk::<20>().unwrap_or((&[0; 20], &[]));
        let (_, hi) = s.split_last_chunk::<8>().unwrap_or((&[], &[0; 8]));
        let groups = [
            u64::from_be_bytes(chunk8(lo, 0)) >> 16,
            u64::from_be_bytes(chunk8(lo, 6)) >> 16,
            u64::from_be_bytes(chunk8(lo, 12)) >> 16,
            u64::from_be_bytes(*hi) & 0xFFFF_FFFF_FFFF,
        ];
        for (g, out) in groups.iter().zip(d.as_chunks_mut::<8>().0.iter_mut()) {
            let eight = (u64::from(b64_pair((g >> 36) as u32)) << 48)
                | (u64::from(b64_pair((g >> 24) as u32)) << 32)
                | (u64::from(b64_pair((g >> 12) as u32)) << 16)
                | u64::from(b64_pair(*g as u32));
            *out = eight.to_be_bytes();
        }
    }
    let (src_groups, src_tail) = src_rest.as_chunks::<3>();
    let (dst_groups, dst_tail) = dst_rest.as_chunks_mut::<4>();
    for (s, d) in src_groups.iter().zip(dst_groups.iter_mut()) {
        let w = u32::from_be_bytes([0, s[0], s[1], s[2]]);
        *d = ((u32::from(b64_pair(w >> 12)) << 16) | u32::from(b64_pair(w))).to_be_bytes();
    }
    match (src_tail, dst_tail) {
        ([a], [d0, d1]) => {
            let w = u32::from(*a) << 16;
            *d0 = b64_char(w >> 18);
            *d1 = b64_char(w >> 12);
        }
        ([a, b], [d0, d1, d2]) => {
            let w = (u32::from(*a) << 16) | (u32::from(*b) << 8);
            *d0 = b64_char(w >> 18);
            *d1 = b64_char(w >> 12);
            *d2 = b64_char(w >> 6);
        }
        _ => {}
    }
}

/// Length of the bytes an unpadded base64url string of `n` characters decodes to; `None` for a
/// length of 1 modulo 4 (no encoding has it).
pub(crate) const fn base64url_decoded_len(n: usize) -> Option<usize> {
    let tail = match n % 4 {
        0 => 0,
        2 => 1,
        3 => 2,
        _ => return None,
    };
    Some(n / 4 * 3 + tail)
}

/// Decodes canonical unpadded base64url into `dst`, which must be exactly the decoded length
/// ([`base64url_decoded_len`]). `false` for a length mismatch, any character outside the
/// alphabet, padding, or non-zero bits after the last full byte (so every byte string has
/// exactly one accepted encoding); `dst` then holds garbage: the caller discards it.
pub(crate) fn decode_base64url_into(input: &[u8], dst: &mut [u8]) -> bool {
    if base64url_decoded_len(input.len()) != Some(dst.len()) {
        return false;
    }
    decode_exact(input, dst)
}

/// `dst` is exactly the decoded length of `input` (whose length is not 1 modulo 4).
fn decode_exact(input: &[u8], dst: &mut [u8]) -> bool {
    // Any invalid character sets bit 7 (INVALID = 0xFF; values are below 64).
    let mut bad = 0u32;
    // 32 characters to 24 bytes per step: 8 characters (48 bits) accumulated in a u64 and
    // written as 6 bytes.
    let (src_blocks, src_rest) = input.as_chunks::<32>();
    let (dst_blocks, dst_rest) = dst.as_chunks_mut::<24>();
    for (s, d) in src_blocks.iter().zip(dst_blocks.iter_mut()) {
        for (s8, d6) in s
            .as_chunks::<8>()
            .0
            .iter()
            .zip(d.as_chunks_mut::<6>().0.iter_mut())
        {
            let mut acc = 0u64;
            for &c in s8 {
                let v = b64_value(c);
                bad |= v;
                acc = (acc << 6) | u64::from(v);
            }
            let [_, _, six @ ..] = acc.to_be_bytes();
            *d6 = six;
        }
    }
    let (src_groups, src_tail) = src_rest.as_chunks::<4>();
    let (dst_groups, dst_tail) = dst_rest.as_chunks_mut::<3>();
    for (s, d) in src_groups.iter().zip(dst_groups.iter_mut()) {
        let (a, b, c, e) = (
            b64_value(s[0]),
            b64_value(s[1]),
            b64_value(s[2]),
            b64_value(s[3]),
        );
        bad |= a | b | c | e;
        let w = (a << 18) | (b << 12) | (c << 6) | e;
        let [_, x, y, z] = w.to_be_bytes();
        *d = [x, y, z];
    }
    let tail_ok = match (src_tail, dst_tail) {
        ([], []) => true,
        ([a, b], [x]) => {
            let (a, b) = (b64_value(*a), b64_value(*b));
            bad |= a | b;
            *x = ((a << 2) | (b >> 4)) as u8;
            // Canonical: the 4 bits below the byte are zero.
            b & 0x0F == 0
        }
        ([a, b, c], [x, y]) => {
            let (a, b, c) = (b64_value(*a), b64_value(*b), b64_value(*c));
            bad |= a | b | c;
            let w = (a << 12) | (b << 6) | c;
            *x = (w >> 10) as u8;
            *y = (w >> 2) as u8;
            c & 0x03 == 0
        }
        _ => false,
    };
    tail_ok && bad & 0x80 == 0
}

/// Appends lower-case hex of `input` to `out`.
pub(crate) fn encode_hex(input: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + 2 * input.len(), 0);
    let Some(dst) = out.get_mut(start..) else {
        return;
    };
    let (src_blocks, src_rest) = input.as_chunks::<4>();
    let (dst_blocks, dst_rest) = dst.as_chunks_mut::<8>();
    for (s, d) in src_blocks.iter().zip(dst_blocks.iter_mut()) {
        let pair = |b: u8| u64::from(HEX_PAIRS.get(usize::from(b)).copied().unwrap_or(0));
        let eight = (pair(s[0]) << 48) | (pair(s[1]) << 32) | (pair(s[2]) << 16) | pair(s[3]);
        *d = eight.to_be_bytes();
    }
    for (s, d) in src_rest
        .iter()
        .zip(dst_rest.as_chunks_mut::<2>().0.iter_mut())
    {
        *d = HEX_PAIRS
            .get(usize::from(*s))
            .copied()
            .unwrap_or(0)
            .to_be_bytes();
    }
}

/// Decodes hex (either case) into `dst`, which must be exactly half as long as `input`.
/// `false` for an odd length, a length mismatch or any non-hex character (`dst` then holds
/// garbage: the caller discards it).
pub(crate) fn decode_hex_into(input: &[u8], dst: &mut [u8]) -> bool {
    if input.len() != 2 * dst.len() {
        return false;
    }
    let mut bad = 0u8;
    for (&[h, l], out) in input.as_chunks::<2>().0.iter().zip(dst.iter_mut()) {
        let (h, l) = (hex_value(h), hex_value(l));
        bad |= h | l;
        *out = (h << 4) | (l & 0x0F);
    }
    bad & 0x80 == 0
}

/// Decodes hex (either case) into a new vector; `None` for an odd length or a non-hex digit.
pub(crate) fn decode_hex(input: &[u8]) -> Option<Vec<u8>> {
    if !input.len().is_multiple_of(2) {
        return None;
    }
    let mut out = vec![0u8; input.len() / 2];
    decode_hex_into(input, &mut out).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;

    fn b64(input: &[u8]) -> String {
        let mut out = Vec::new();
        encode_base64url(input, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn unb64(input: &str) -> Option<Vec<u8>> {
        let mut out = vec![0; base64url_decoded_len(input.len())?];
        decode_base64url_into(input.as_bytes(), &mut out).then_some(out)
    }

    #[test]
    fn rfc4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(plain.as_bytes()), encoded);
            assert_eq!(unb64(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(b64(&[0xfb, 0xff, 0xfe]), "-__-");
        assert_eq!(unb64("-__-").unwrap(), [0xfb, 0xff, 0xfe]);
    }

    #[test]
    fn base64_rejections() {
        for bad in [
            "A", "Zg=", "Zg==", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v\n", " Zm9v", "Zm9vY", "Zm\u{e9}",
        ] {
            assert_eq!(unb64(bad), None, "{bad:?}");
        }
        // An invalid character in the 16-character fast path and in each tail position.
        let mut long = b64(&[0u8; 30]).into_bytes();
        for i in 0..long.len() {
            let saved = long[i];
            long[i] = b'=';
            assert_eq!(unb64(std::str::from_utf8(&long).unwrap()), None, "{i}");
            long[i] = saved;
        }
        assert_eq!(unb64(std::str::from_utf8(&long).unwrap()).unwrap(), [0; 30]);
    }

    #[test]
    fn hex_round_trip_and_rejections() {
        let mut out = Vec::new();
        encode_hex(&[0x00, 0x01, 0xab, 0xff, 0x10], &mut out);
        assert_eq!(out, b"0001abff10");
        assert_eq!(decode_hex(b"0001ABff10").unwrap(), [0, 1, 0xab, 0xff, 0x10]);
        assert_eq!(decode_hex(b""), Some(Vec::new()));
        for bad in [
            &b"0"[..],
            b"0g",
            b"00112233445566778g",
            b"zz",
            b" 0",
            b"0x00",
        ] {
            assert_eq!(decode_hex(bad), None, "{bad:?}");
        }
        assert!(!decode_hex_into(b"0000", &mut [0u8; 1]));
        assert!(!decode_base64url_into(b"AAAA", &mut [0u8; 2]));
        assert!(!decode_base64url_into(b"AAAA", &mut [0u8; 4]));
        assert_eq!(base64url_decoded_len(5), None);
    }

    proptest! {
        #[test]
        fn base64_matches_the_base64_crate(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            let ours = b64(&data);
            prop_assert_eq!(&ours, &URL_SAFE_NO_PAD.encode(&data));
            prop_assert_eq!(ours.len(), base64url_len(data.len()));
            prop_assert_eq!(unb64(&ours).unwrap(), data);
        }

        #[test]
        fn base64_decoder_agrees_with_the_base64_crate(text in "[A-Za-z0-9_=+/ -]{0,40}") {
            // The base64 crate's URL_SAFE_NO_PAD engine is canonical and rejects padding, as
            // ours does.
            prop_assert_eq!(unb64(&text), URL_SAFE_NO_PAD.decode(&text).ok());
        }

        #[test]
        fn hex_matches_the_hex_crate(data in proptest::collection::vec(any::<u8>(), 0..100)) {
            let mut ours = Vec::new();
            encode_hex(&data, &mut ours);
            prop_assert_eq!(ours.clone(), hex::encode(&data).into_bytes());
            prop_assert_eq!(decode_hex(&ours).unwrap(), data);
        }

        #[test]
        fn hex_decoder_agrees_with_the_hex_crate(text in "[0-9a-fA-Fg ]{0,40}") {
            prop_assert_eq!(decode_hex(text.as_bytes()), hex::decode(&text).ok());
        }
    }
}
